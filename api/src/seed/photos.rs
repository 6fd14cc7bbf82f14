//! Photos: a few generated pictures (soft gradients, nothing identifying) run through the
//! upload pipeline once, then attached to evenly spaced posts and used as avatars — each
//! seeded photo gets its own id and its own files in the media store, as an upload would.

use chrono::Duration;
use entraide_domain::ids::MediaId;
use entraide_persistence::PersistenceError;
use entraide_persistence::bulk::MediaRow;
use image::{ImageBuffer, Rgb};
use rand::Rng;
use rand::rngs::StdRng;

use super::posts::Posts;
use super::{Timeline, id_at, naive};
use crate::media::MediaStore;
use crate::media::process::{Processed, process};

/// Distinct pictures drawn from (each photo is a copy of one of them).
const PICTURES: usize = 6;

fn config(what: &str, error: impl std::fmt::Display) -> PersistenceError {
    PersistenceError::Config(format!("seed photos: {what}: {error}"))
}

/// A 240×180 gradient between two seeded colours, as a JPEG file, processed like an upload.
fn picture(rng: &mut StdRng) -> Result<Processed, PersistenceError> {
    let from: [u8; 3] = rng.random();
    let to: [u8; 3] = rng.random();
    let image = ImageBuffer::from_fn(240, 180, |x, y| {
        let t = (x + y) as f32 / 418.0;
        Rgb(std::array::from_fn(|c| {
            (f32::from(from[c]) * (1.0 - t) + f32::from(to[c]) * t) as u8
        }))
    });
    let mut file = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut file, image::ImageFormat::Jpeg)
        .map_err(|e| config("encode", e))?;
    process(file.get_ref()).map_err(|e| config("process", e))
}

/// The rows of `photos` post photos and `avatars` avatars, their files written to `store`.
pub(super) fn generate(
    rng: &mut StdRng,
    time: &Timeline,
    photos: usize,
    avatars: usize,
    posts: &Posts,
    member_ids: &[String],
    store: &dyn MediaStore,
) -> Result<Vec<MediaRow>, PersistenceError> {
    let pictures = (0..PICTURES)
        .map(|_| picture(rng))
        .collect::<Result<Vec<_>, _>>()?;
    let mut rows = Vec::with_capacity(photos + avatars);
    let mut add = |rng: &mut StdRng,
                   owner: &str,
                   at: chrono::DateTime<chrono::Utc>,
                   attached_to: &'static str,
                   post_id: Option<String>|
     -> Result<(), PersistenceError> {
        let picture = &pictures[rng.random_range(0..PICTURES)];
        let raw = id_at(rng, at);
        let id: MediaId = raw.parse().map_err(|e| config("id", e))?;
        for (variant, bytes) in &picture.variants {
            store
                .put(id, variant.name, picture.format, bytes)
                .map_err(|e| config("store", e))?;
        }
        rows.push(MediaRow {
            id: raw,
            owner_id: owner.to_owned(),
            format: picture.format.as_str(),
            width: i32::try_from(picture.width).map_err(|e| config("width", e))?,
            height: i32::try_from(picture.height).map_err(|e| config("height", e))?,
            blurhash: picture.blurhash.clone(),
            variants: entraide_persistence::media::encode_variants(
                &picture.variants.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
            ),
            byte_size: picture.byte_size(),
            attached_to: Some(attached_to),
            post_id,
            comment_id: None,
            created_at: naive(at),
            attached_at: Some(naive(at)),
        });
        Ok(())
    };
    let total = posts.ids.len();
    if total > 0 {
        // Evenly spaced posts, one photo each: never over the four a post may carry.
        for k in 0..photos.min(total) {
            let p = k * total / photos.min(total);
            let author = &member_ids[posts.authors[p] as usize];
            add(
                rng,
                author,
                posts.times[p],
                "post",
                Some(posts.ids[p].clone()),
            )?;
        }
    }
    // Every n-th member shows an avatar (one each).
    let wanted = avatars.min(member_ids.len());
    for k in 0..wanted {
        let m = k * member_ids.len() / wanted.max(1);
        add(
            rng,
            &member_ids[m],
            time.now - Duration::days(30),
            "avatar",
            None,
        )?;
    }
    Ok(rows)
}
