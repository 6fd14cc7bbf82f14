//! Photos (issue 16): what is stored carries no metadata, types are sniffed, bombs and
//! oversized files are refused, and a photo is served only to readers of what it illustrates.

use chrono::{Duration, Utc};
use entraide_openapi::groups::Group;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Member, PASSWORD, TestApp, assert_problem, png, spawn_app, spawn_app_with};

/// A JPEG with an EXIF block (APP1) holding a GPS position, as a phone writes it.
fn jpeg_with_gps() -> Vec<u8> {
    let image = image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 200])
    });
    let mut plain = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut plain, image::ImageFormat::Jpeg)
        .unwrap();
    let plain = plain.into_inner();
    // TIFF, little-endian: IFD0 with one entry (GPSInfo -> IFD at 26), the GPS IFD with
    // GPSLatitudeRef "N" and GPSLongitudeRef "E", and a marker string a reader would see.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x8825u16.to_le_bytes()); // GPSInfo
    tiff.extend_from_slice(&4u16.to_le_bytes()); // LONG
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff.extend_from_slice(&2u16.to_le_bytes());
    for (tag, value) in [(1u16, b'N'), (3u16, b'E')] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&2u16.to_le_bytes()); // ASCII
        tiff.extend_from_slice(&2u32.to_le_bytes());
        tiff.extend_from_slice(&[value, 0, 0, 0]);
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"GPS 45.7640N 4.8357E Hopital Edouard Herriot");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = u16::try_from(app1.len() + 2).unwrap();
    let mut out = plain[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The stored files of a photo.
fn stored_files(app: &TestApp, id: &str) -> Vec<Vec<u8>> {
    let folder = app.media_dir.join(id);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    entries
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect()
}

async fn upload_json(app: &TestApp, who: &Member, bytes: &[u8], declared: &str) -> Value {
    let response = app.upload(Some(who), bytes, declared).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{text}");
    serde_json::from_str(&text).unwrap()
}

async fn fetch(app: &TestApp, id: &str, who: Option<&Member>) -> StatusCode {
    app.call(Method::GET, &format!("/api/v1/media/{id}"), who, None)
        .await
        .status()
}

async fn admit(app: &TestApp, group: &Group, owner: &Member, who: &Member) {
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/invitations", group.id),
        Some(owner),
        Some(json!({"member_id": who.id})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", group.id),
        Some(who),
        None,
    )
    .await;
}

#[actix_web::test]
async fn a_stored_photo_keeps_no_exif_and_no_gps() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let original = jpeg_with_gps();
    assert!(contains(&original, b"Exif\0\0") && contains(&original, b"45.7640N"));

    let photo = upload_json(&app, &lou, &original, "image/jpeg").await;
    assert_eq!(photo["format"], "jpeg");
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(400), Some(300))
    );
    assert!(!photo["blurhash"].as_str().unwrap().is_empty());
    let names: Vec<&str> = photo["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["320", "full"]);
    let id = photo["id"].as_str().unwrap();

    // Read the stored files back: every variant is a JPEG without APP1 (EXIF/XMP) or the GPS.
    let files = stored_files(&app, id);
    assert_eq!(files.len(), 2);
    for file in &files {
        assert_eq!(&file[..2], &[0xFF, 0xD8], "a JPEG");
        assert!(!contains(file, b"Exif"), "no EXIF");
        assert!(!contains(file, &[0xFF, 0xE1]), "no APP1 segment");
        assert!(
            !contains(file, b"45.7640N") && !contains(file, b"Herriot"),
            "no GPS"
        );
        assert!(image::load_from_memory(file).is_ok());
    }
    // And what is served is what is stored.
    let served = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{id}"),
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    let cache = served.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache.starts_with("private"), "{cache}");
    let body = served.bytes().await.unwrap();
    assert!(files.iter().any(|f| f[..] == body[..]));
    assert!(!contains(&body, b"Exif"));
}

#[actix_web::test]
async fn the_type_is_read_from_the_bytes_never_from_the_client() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    // A PNG declared as JPEG is a PNG.
    let photo = upload_json(&app, &lou, &png(50, 40), "image/jpeg").await;
    assert_eq!(photo["format"], "png");
    let files = stored_files(&app, photo["id"].as_str().unwrap());
    assert!(files.iter().all(|f| f.starts_with(b"\x89PNG")));
    // Text declared as PNG is refused, and nothing is stored.
    let before = app.count("SELECT COUNT(*) AS n FROM media");
    let text = app
        .upload(
            Some(&lou),
            b"<script>alert(1)</script> not an image",
            "image/png",
        )
        .await;
    assert_problem(
        text,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_image",
    )
    .await;
    // HEIC is refused, saying why.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0; 64]);
    let problem = assert_problem(
        app.upload(Some(&lou), &heic, "image/heic").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_image",
    )
    .await;
    assert!(problem.detail.unwrap_or_default().contains("HEIC"));
    // Not a multipart body at all.
    let json_body = app
        .call(
            Method::POST,
            "/api/v1/media",
            Some(&lou),
            Some(json!({"file": "x"})),
        )
        .await;
    assert_problem(
        json_body,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    // Anonymous uploads are refused.
    let anonymous = app.upload(None, &png(10, 10), "image/png").await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM media"), before);
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[actix_web::test]
async fn a_decompression_bomb_and_an_oversized_file_are_refused() {
    let app = spawn_app_with(|settings| settings.media_max_image_bytes = 4096).await;
    let lou = app.member("Lou", "patient").await;
    // A tiny PNG whose header declares 100,000 x 100,000 pixels (CRC fixed, so it is valid).
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(bomb.len() < 200);
    let refused = app.upload(Some(&lou), &bomb, "image/png").await;
    assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "image_too_large").await;
    // Over the size limit.
    let big: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let refused = app.upload(Some(&lou), &big, "image/png").await;
    assert_problem(refused, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM media"), 0);
    assert!(std::fs::read_dir(&app.media_dir).map_or(true, |mut d| d.next().is_none()));
}

#[actix_web::test]
async fn a_photo_is_served_only_to_readers_of_what_it_illustrates() {
    let app = spawn_app().await;
    let owner = app.member("Proprio", "patient").await;
    let lou = app.member("Lou", "patient").await;
    let outsider = app.member("Dehors", "patient").await;
    let private = app
        .create_group(&owner, "Cercle privé", "private", "everyone")
        .await;
    admit(&app, &private, &owner, &lou).await;

    // Unattached: its uploader's alone.
    let id = app.upload_photo(&lou).await;
    assert_eq!(fetch(&app, &id, Some(&lou)).await, StatusCode::OK);
    assert_eq!(
        fetch(&app, &id, Some(&outsider)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&app, &id, None).await, StatusCode::NOT_FOUND);

    // In a private group's post: its members only.
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", private.id),
            Some(&lou),
            Some(json!({"body": "Ma cicatrice", "media_ids": [id]})),
        )
        .await;
    assert_eq!(post["media"][0]["id"], id.as_str());
    let post_id = post["id"].as_str().unwrap().to_owned();
    let read = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/posts/{post_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(read["media"][0]["id"], id.as_str());
    assert_eq!(fetch(&app, &id, Some(&lou)).await, StatusCode::OK);
    assert_eq!(fetch(&app, &id, Some(&owner)).await, StatusCode::OK);
    assert_eq!(
        fetch(&app, &id, Some(&outsider)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&app, &id, None).await, StatusCode::NOT_FOUND);
    // Variants: one the photo lacks is 404, an unknown name 422.
    let missing = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{id}?variant=1280"),
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let unknown = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{id}?variant=../../etc"),
            Some(&lou),
            None,
        )
        .await;
    assert_problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // A comment's photo follows the post.
    let comment_photo = app.upload_photo(&owner).await;
    let comment = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&owner),
            Some(json!({"body": "Courage", "media_ids": [comment_photo]})),
        )
        .await;
    assert_eq!(comment["media"][0]["id"], comment_photo.as_str());
    assert_eq!(
        fetch(&app, &comment_photo, Some(&lou)).await,
        StatusCode::OK
    );
    assert_eq!(
        fetch(&app, &comment_photo, Some(&outsider)).await,
        StatusCode::NOT_FOUND
    );

    // A public group's photo: anyone.
    let public = app
        .create_group(&owner, "Ouvert", "public", "everyone")
        .await;
    let open_photo = app.upload_photo(&owner).await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/posts", public.id),
        Some(&owner),
        Some(json!({"body": "Sortie au parc", "media_ids": [open_photo]})),
    )
    .await;
    assert_eq!(fetch(&app, &open_photo, None).await, StatusCode::OK);
    assert_eq!(
        fetch(&app, &open_photo, Some(&outsider)).await,
        StatusCode::OK
    );

    // Leaving the group ends access, even to one's own photo there.
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/leave", private.id),
        Some(&lou),
        None,
    )
    .await;
    assert_eq!(fetch(&app, &id, Some(&lou)).await, StatusCode::NOT_FOUND);
    assert_eq!(fetch(&app, &id, Some(&owner)).await, StatusCode::OK);

    // A deleted post's photos are served to nobody, its comment's neither.
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{post_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert!(deleted.status().is_success());
    assert_eq!(fetch(&app, &id, Some(&owner)).await, StatusCode::NOT_FOUND);
    assert_eq!(
        fetch(&app, &comment_photo, Some(&owner)).await,
        StatusCode::NOT_FOUND
    );
    let read = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/posts/{post_id}"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(read["media"], json!([]));
}

#[actix_web::test]
async fn only_ones_own_unattached_photos_can_be_attached() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let sam = app.member("Sam", "patient").await;
    let public = app.create_group(&lou, "Ouvert", "public", "everyone").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", public.id),
        Some(&sam),
        None,
    )
    .await;
    let path = format!("/api/v1/groups/{}/posts", public.id);
    let lous = app.upload_photo(&lou).await;
    let posts_before = app.count("SELECT COUNT(*) AS n FROM posts");

    // Someone else's photo, an id that names nothing: the same answer.
    for id in [lous.clone(), uuid::Uuid::now_v7().to_string()] {
        let refused = app
            .call(
                Method::POST,
                &path,
                Some(&sam),
                Some(json!({"body": "Vol", "media_ids": [id]})),
            )
            .await;
        let problem = assert_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem.errors.unwrap()[0].code, "unknown_media");
    }
    // Too many, twice the same.
    let five: Vec<String> = (0..5).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let refused = app
        .call(
            Method::POST,
            &path,
            Some(&lou),
            Some(json!({"body": "x", "media_ids": five})),
        )
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let refused = app
        .call(
            Method::POST,
            &path,
            Some(&lou),
            Some(json!({"body": "x", "media_ids": [lous, lous]})),
        )
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM posts"), posts_before);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM media WHERE attached_to IS NULL"),
        1
    );

    // Attached once, never twice (nor as an avatar).
    app.ok_json(
        Method::POST,
        &path,
        Some(&lou),
        Some(json!({"body": "Ok", "media_ids": [lous]})),
    )
    .await;
    let again = app
        .call(
            Method::POST,
            &path,
            Some(&lou),
            Some(json!({"body": "Encore", "media_ids": [lous]})),
        )
        .await;
    assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let avatar = app
        .call(
            Method::PUT,
            "/api/v1/members/me/avatar",
            Some(&lou),
            Some(json!({"media_id": lous})),
        )
        .await;
    assert_problem(
        avatar,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

#[actix_web::test]
async fn an_avatar_is_public_and_replaced_or_removed_with_its_files() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let sam = app.member("Sam", "patient").await;
    let first = app.upload_photo(&lou).await;
    let set = app
        .ok_json(
            Method::PUT,
            "/api/v1/members/me/avatar",
            Some(&lou),
            Some(json!({"media_id": first})),
        )
        .await;
    assert_eq!(set["id"], first.as_str());
    assert_eq!(fetch(&app, &first, None).await, StatusCode::OK);
    // Someone else cannot take it as theirs.
    let refused = app
        .call(
            Method::PUT,
            "/api/v1/members/me/avatar",
            Some(&sam),
            Some(json!({"media_id": first})),
        )
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // Replaced: the old one is gone, files included.
    let second = app.upload_photo(&lou).await;
    app.ok_json(
        Method::PUT,
        "/api/v1/members/me/avatar",
        Some(&lou),
        Some(json!({"media_id": second})),
    )
    .await;
    assert_eq!(fetch(&app, &first, Some(&lou)).await, StatusCode::NOT_FOUND);
    assert!(stored_files(&app, &first).is_empty());
    assert_eq!(fetch(&app, &second, None).await, StatusCode::OK);
    // Removed.
    let removed = app
        .call(
            Method::DELETE,
            "/api/v1/members/me/avatar",
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        fetch(&app, &second, Some(&lou)).await,
        StatusCode::NOT_FOUND
    );
    assert!(stored_files(&app, &second).is_empty());
}

#[actix_web::test]
async fn the_worker_deletes_unattached_uploads_after_a_day() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let waiting = app.upload_photo(&lou).await;
    let kept = app.upload_photo(&lou).await;
    app.ok_json(
        Method::PUT,
        "/api/v1/members/me/avatar",
        Some(&lou),
        Some(json!({"media_id": kept})),
    )
    .await;
    let mut settings = entraide_api::configuration::Settings::with_database(
        app.database.url(),
        crate::support::JWT_SECRET,
    );
    settings.media_dir = Some(app.media_dir.to_string_lossy().into_owned());
    // Not yet a day: nothing goes.
    let pass = entraide_api::scheduled::run_once(
        &app.database(),
        &settings,
        Utc::now() + Duration::hours(23),
    )
    .await
    .unwrap();
    assert_eq!(pass.media_deleted, 0);
    assert_eq!(fetch(&app, &waiting, Some(&lou)).await, StatusCode::OK);
    let pass = entraide_api::scheduled::run_once(
        &app.database(),
        &settings,
        Utc::now() + Duration::hours(25),
    )
    .await
    .unwrap();
    assert_eq!(pass.media_deleted, 1);
    assert_eq!(
        fetch(&app, &waiting, Some(&lou)).await,
        StatusCode::NOT_FOUND
    );
    assert!(stored_files(&app, &waiting).is_empty());
    assert_eq!(fetch(&app, &kept, None).await, StatusCode::OK);
    assert!(!stored_files(&app, &kept).is_empty());
}

#[actix_web::test]
async fn the_export_lists_photos_and_erasure_deletes_their_files() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let public = app.create_group(&lou, "Ouvert", "public", "everyone").await;
    let attached = app.upload_photo(&lou).await;
    let waiting = app.upload_photo(&lou).await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/posts", public.id),
        Some(&lou),
        Some(json!({"body": "Photo", "media_ids": [attached]})),
    )
    .await;
    let export = app
        .ok_json(Method::GET, "/api/v1/members/me/export", Some(&lou), None)
        .await;
    let listed: Vec<(&str, Value)> = export["media"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m["attached_to"].clone()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (attached.as_str(), json!("post")),
            (waiting.as_str(), Value::Null)
        ]
    );

    // Kept (anonymised) posts lose their photos too: a photo can show a face.
    let erased = app
        .call(
            Method::DELETE,
            "/api/v1/members/me",
            Some(&lou),
            Some(json!({"password": PASSWORD, "content": "anonymise"})),
        )
        .await;
    assert_eq!(erased.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM media"), 0);
    assert!(stored_files(&app, &attached).is_empty());
    assert!(stored_files(&app, &waiting).is_empty());
    assert_eq!(fetch(&app, &attached, None).await, StatusCode::NOT_FOUND);
}

/// Every upload refused below leaves nothing behind: no row, no file.
async fn refused_upload(app: &TestApp, who: &Member, bytes: &[u8], status: StatusCode, code: &str) {
    let before = app.count("SELECT COUNT(*) AS n FROM media");
    assert_problem(
        app.upload(Some(who), bytes, "video/mp4").await,
        status,
        code,
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM media"),
        before,
        "{code}"
    );
}

#[actix_web::test]
async fn a_video_is_kept_without_its_metadata_served_to_readers_in_ranges() {
    use entraide_api::media::video::sample;
    let app = spawn_app_with(|settings| settings.media_max_video_bytes = 4096).await;
    let owner = app.member("Proprio", "patient").await;
    let lou = app.member("Lou", "patient").await;
    let outsider = app.member("Dehors", "patient").await;
    let private = app
        .create_group(&owner, "Cercle privé", "private", "everyone")
        .await;
    admit(&app, &private, &owner, &lou).await;

    // A phone's video: where (ISO 6709 in udta/©xyz), on what (Apple's meta keys), when
    // (header times), plus an XMP uuid box.
    let original = sample::mp4(b"isom", 12, 1280, 720, "+45.7640+004.8357/");
    assert!(contains(&original, b"+45.7640") && contains(&original, b"iPhone"));
    let video = upload_json(&app, &lou, &original, "application/octet-stream").await;
    assert_eq!(video["kind"], "video");
    assert_eq!(video["format"], "mp4");
    assert_eq!(video["duration_ms"], 12_000);
    assert_eq!(video["blurhash"], Value::Null);
    assert_eq!(
        (video["width"].as_u64(), video["height"].as_u64()),
        (Some(1280), Some(720))
    );
    assert_eq!(video["variants"].as_array().unwrap().len(), 1);
    let id = video["id"].as_str().unwrap().to_owned();

    // Read the stored file back: same size (nothing transcoded, no offset moved), no trace of
    // the place, the device, the XMP or the recording time; the samples untouched.
    let files = stored_files(&app, &id);
    assert_eq!(files.len(), 1);
    let stored = &files[0];
    assert_eq!(stored.len(), original.len());
    for secret in [
        &b"+45.7640"[..],
        b"iPhone",
        b"GPSLatitude",
        &0xE1F2_A3B4_u32.to_be_bytes(),
    ] {
        assert!(!contains(stored, secret), "{secret:?} was stored");
    }
    assert!(contains(stored, &[0x42; 64]), "the samples are kept");

    // Attached to a private group's post: its readers only, in ranges for players.
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/posts", private.id),
        Some(&lou),
        Some(json!({"body": "Ma séance de kiné", "media_ids": [id]})),
    )
    .await;
    assert_eq!(fetch(&app, &id, Some(&owner)).await, StatusCode::OK);
    assert_eq!(
        fetch(&app, &id, Some(&outsider)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&app, &id, None).await, StatusCode::NOT_FOUND);
    let ranged = |range: &'static str, who: &'static str| {
        let app = &app;
        let member = if who == "owner" { &owner } else { &outsider };
        let id = id.clone();
        async move {
            app.client
                .get(app.url(&format!("/api/v1/media/{id}")))
                .header("Authorization", member.bearer())
                .header("Range", range)
                .send()
                .await
                .unwrap()
        }
    };
    let part = ranged("bytes=0-99", "owner").await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-type"], "video/mp4");
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-99/{}", stored.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap()[..], stored[..100]);
    let tail = ranged("bytes=-10", "owner").await;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await.unwrap()[..], stored[stored.len() - 10..]);
    // A range past the end, or several, is ignored: the whole file.
    let past = ranged("bytes=999999-", "owner").await;
    assert_eq!(past.status(), StatusCode::OK);
    assert_eq!(past.bytes().await.unwrap().len(), stored.len());
    assert_eq!(
        ranged("bytes=0-1,5-9", "owner").await.status(),
        StatusCode::OK
    );
    // A range does not open the door to a non-reader.
    assert_eq!(
        ranged("bytes=0-99", "outsider").await.status(),
        StatusCode::NOT_FOUND
    );
    // No variant but `full`.
    let small = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{id}?variant=320"),
            Some(&owner),
            None,
        )
        .await;
    assert_eq!(small.status(), StatusCode::NOT_FOUND);

    // QuickTime is recognised by its brand and served as such.
    let mov = upload_json(
        &app,
        &lou,
        &sample::mp4(b"qt  ", 3, 720, 1280, ""),
        "video/mp4",
    )
    .await;
    assert_eq!(mov["format"], "mov");
    let mov_id = mov["id"].as_str().unwrap();
    let served = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{mov_id}"),
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(served.headers()["content-type"], "video/quicktime");

    // A video is not an avatar.
    let avatar = app
        .call(
            Method::PUT,
            "/api/v1/members/me/avatar",
            Some(&lou),
            Some(json!({"media_id": mov_id})),
        )
        .await;
    assert_problem(
        avatar,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM media WHERE attached_to = 'avatar'"),
        0
    );

    // Refusals, each storing nothing.
    let too_long = sample::mp4(b"isom", 181, 640, 360, "");
    refused_upload(
        &app,
        &lou,
        &too_long,
        StatusCode::UNPROCESSABLE_ENTITY,
        "video_too_long",
    )
    .await;
    let no_picture = sample::mp4(b"isom", 10, 0, 0, "");
    refused_upload(
        &app,
        &lou,
        &no_picture,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_video",
    )
    .await;
    let mut truncated = sample::mp4(b"isom", 10, 640, 360, "");
    truncated.truncate(truncated.len() / 2);
    refused_upload(
        &app,
        &lou,
        &truncated,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_video",
    )
    .await;
    let mut fragmented = sample::mp4(b"isom", 10, 640, 360, "");
    fragmented.extend_from_slice(&[0, 0, 0, 8, b'm', b'o', b'o', b'f']);
    refused_upload(
        &app,
        &lou,
        &fragmented,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_video",
    )
    .await;
    let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3];
    webm.extend_from_slice(b"\x9f\x42\x86\x81\x01webm");
    refused_upload(
        &app,
        &lou,
        &webm,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_video",
    )
    .await;
    // Over the video limit (4 KiB here).
    let mut big = sample::mp4(b"isom", 10, 640, 360, "");
    big.extend_from_slice(&[0, 0, 0x13, 0x88]);
    big.extend_from_slice(b"free");
    big.extend_from_slice(&[0; 5000 - 8]);
    refused_upload(
        &app,
        &lou,
        &big,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[actix_web::test]
async fn video_links_become_previews_rebuilt_from_the_id_without_any_fetch() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let body = "Deux vidéos utiles : [la kiné](https://youtu.be/dQw4w9WgXcQ?si=track) et \
                https://vimeo.com/76979871. Pas celle-ci : https://evil.example/w/dQw4w9WgXcQ \
                ni https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ";
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/members/{}/wall", lou.id),
            Some(&lou),
            Some(json!({"body": body})),
        )
        .await;
    let previews = post["video_previews"].as_array().unwrap();
    assert_eq!(previews.len(), 2, "{previews:?}");
    assert_eq!(previews[0]["provider"], "youtube");
    assert_eq!(
        previews[0]["embed_url"],
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    );
    // The member's tracking parameter is not carried over.
    assert_eq!(
        previews[0]["url"],
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    );
    assert_eq!(previews[1]["provider"], "vimeo");
    assert_eq!(previews[1]["thumbnail_url"], Value::Null);
    // Read back, in a comment too.
    let id = post["id"].as_str().unwrap();
    let read = app
        .ok_json(
            Method::GET,
            &format!("/api/v1/posts/{id}"),
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(read["video_previews"], post["video_previews"]);
    let comment = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{id}/comments"),
            Some(&lou),
            Some(
                json!({"body": "Et sur PeerTube : https://framatube.org/w/kkGMgK9ZtnKfYAgnEtQxbv"}),
            ),
        )
        .await;
    assert_eq!(
        comment["video_previews"][0]["embed_url"],
        "https://framatube.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv"
    );
    // A crafted id cannot inject anything into an address.
    let crafted = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/members/{}/wall", lou.id),
            Some(&lou),
            Some(json!({"body": "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22%3E%3Cscript%3E"})),
        )
        .await;
    assert_eq!(crafted["video_previews"], json!([]));
}

#[actix_web::test]
async fn deleting_a_post_or_a_comment_deletes_its_photos_rows_and_files() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let sam = app.member("Sam", "patient").await;
    let public = app.create_group(&lou, "Ouvert", "public", "everyone").await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", public.id),
        Some(&sam),
        None,
    )
    .await;
    let post_photo = app.upload_photo(&lou).await;
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", public.id),
            Some(&lou),
            Some(json!({"body": "Au parc", "media_ids": [post_photo]})),
        )
        .await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    let comment_photo = app.upload_photo(&sam).await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/posts/{post_id}/comments"),
        Some(&sam),
        Some(json!({"body": "Joli", "media_ids": [comment_photo]})),
    )
    .await;
    // A comment deleted on its own takes its photo with it, not the post's.
    let lone_photo = app.upload_photo(&sam).await;
    let lone = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/posts/{post_id}/comments"),
            Some(&sam),
            Some(json!({"body": "Oups", "media_ids": [lone_photo]})),
        )
        .await;
    assert!(!stored_files(&app, &lone_photo).is_empty());
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/comments/{}", lone["id"].as_str().unwrap()),
            Some(&sam),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(stored_files(&app, &lone_photo).is_empty());
    assert!(!app.media_dir.join(&lone_photo).exists());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM media WHERE id = '{lone_photo}'"
        )),
        0
    );
    assert_eq!(
        fetch(&app, &lone_photo, Some(&sam)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&app, &post_photo, None).await, StatusCode::OK);
    assert_eq!(fetch(&app, &comment_photo, None).await, StatusCode::OK);

    // The post: its photo and its comment's photo (someone else's) go, rows and files.
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{post_id}"),
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    for id in [&post_photo, &comment_photo] {
        assert!(!app.media_dir.join(id).exists(), "files of {id} remain");
        for who in [Some(&lou), Some(&sam), None] {
            assert_eq!(fetch(&app, id, who).await, StatusCode::NOT_FOUND);
        }
    }
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM media"), 0);
    // Deleting again is still fine.
    let again = app
        .call(
            Method::DELETE,
            &format!("/api/v1/posts/{post_id}"),
            Some(&lou),
            None,
        )
        .await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn editing_a_post_replaces_its_photos_only_with_ones_own_uploads() {
    let app = spawn_app().await;
    let lou = app.member("Lou", "patient").await;
    let sam = app.member("Sam", "patient").await;
    let public = app.create_group(&lou, "Ouvert", "public", "everyone").await;
    let first = app.upload_photo(&lou).await;
    let second = app.upload_photo(&lou).await;
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", public.id),
            Some(&lou),
            Some(json!({"body": "Avant", "media_ids": [first, second]})),
        )
        .await;
    let path = format!("/api/v1/posts/{}", post["id"].as_str().unwrap());
    let media_of = |item: &Value| -> Vec<String> {
        item["media"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };

    // Left out: the photos stay.
    let edited = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&lou),
            Some(json!({"body": "Texte"})),
        )
        .await;
    assert_eq!(media_of(&edited), vec![first.clone(), second.clone()]);

    // Someone else's upload, an unknown id, too many: refused, nothing changed.
    let sams = app.upload_photo(&sam).await;
    for listed in [
        json!([first, sams]),
        json!([uuid::Uuid::now_v7().to_string()]),
    ] {
        let refused = app
            .call(
                Method::PATCH,
                &path,
                Some(&lou),
                Some(json!({"body": "Vol", "media_ids": listed})),
            )
            .await;
        let problem = assert_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem.errors.unwrap()[0].code, "unknown_media");
    }
    let five: Vec<String> = (0..5).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let refused = app
        .call(
            Method::PATCH,
            &path,
            Some(&lou),
            Some(json!({"body": "Trop", "media_ids": five})),
        )
        .await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let read = app.ok_json(Method::GET, &path, Some(&lou), None).await;
    assert_eq!(read["body"], "Texte");
    assert_eq!(media_of(&read), vec![first.clone(), second.clone()]);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM media WHERE id = '{sams}' AND attached_to IS NULL"
        )),
        1
    );
    assert!(!stored_files(&app, &second).is_empty());

    // A new list: the new upload attached, the dropped photo deleted (row and files).
    let third = app.upload_photo(&lou).await;
    let edited = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&lou),
            Some(json!({"body": "Après", "media_ids": [first, third]})),
        )
        .await;
    assert_eq!(media_of(&edited), vec![first.clone(), third.clone()]);
    assert!(!app.media_dir.join(&second).exists());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM media WHERE id = '{second}'"
        )),
        0
    );
    assert_eq!(
        fetch(&app, &second, Some(&lou)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&app, &third, None).await, StatusCode::OK);
    assert_eq!(fetch(&app, &first, None).await, StatusCode::OK);

    // An empty list removes them all.
    let edited = app
        .ok_json(
            Method::PATCH,
            &path,
            Some(&lou),
            Some(json!({"body": "Sans", "media_ids": []})),
        )
        .await;
    assert_eq!(edited["media"], json!([]));
    assert!(!app.media_dir.join(&first).exists());
    assert!(!app.media_dir.join(&third).exists());
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM media"), 1);
}

#[actix_web::test]
async fn a_hidden_posts_photo_is_served_to_its_moderators_and_author_only() {
    let app = spawn_app().await;
    let owner = app.member("Proprio", "caregiver").await;
    let group_mod = app.member("Camille", "caregiver").await;
    let author = app.member("Auteur", "patient").await;
    let reader = app.member("Lectrice", "patient").await;
    let platform = app.member("Sacha", "professional").await;
    app.make_admin(&platform);
    let group = app
        .create_group(&owner, "Cercle privé", "private", "everyone")
        .await;
    for who in [&group_mod, &author, &reader] {
        admit(&app, &group, &owner, who).await;
    }
    let promoted = app
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{}/members/{}/role", group.id, group_mod.id),
            Some(&owner),
            Some(json!({"role": "moderator"})),
        )
        .await;
    assert!(promoted.status().is_success());
    let photo = app.upload_photo(&author).await;
    let post = app
        .ok_json(
            Method::POST,
            &format!("/api/v1/groups/{}/posts", group.id),
            Some(&author),
            Some(json!({"body": "Mon traitement miracle", "media_ids": [photo]})),
        )
        .await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    assert_eq!(fetch(&app, &photo, Some(&reader)).await, StatusCode::OK);
    let report = app
        .ok_json(
            Method::POST,
            "/api/v1/reports",
            Some(&reader),
            Some(json!({"target_kind": "post", "target_id": post_id, "reason": "medical_misinformation"})),
        )
        .await;
    let hidden = app
        .call(
            Method::POST,
            &format!(
                "/api/v1/moderation/reports/{}/actions",
                report["id"].as_str().unwrap()
            ),
            Some(&group_mod),
            Some(json!({"action": "hide", "reason": "Conseil médical dangereux"})),
        )
        .await;
    assert!(hidden.status().is_success());

    // Those who read the hidden post by id fetch its photo; nobody else.
    for who in [&group_mod, &owner, &platform, &author] {
        let read = app
            .call(
                Method::GET,
                &format!("/api/v1/posts/{post_id}"),
                Some(who),
                None,
            )
            .await;
        assert_eq!(read.status(), StatusCode::OK);
        assert_eq!(fetch(&app, &photo, Some(who)).await, StatusCode::OK);
    }
    for who in [Some(&reader), None] {
        let read = app
            .call(Method::GET, &format!("/api/v1/posts/{post_id}"), who, None)
            .await;
        assert_eq!(read.status(), StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, &photo, who).await, StatusCode::NOT_FOUND);
    }
}
