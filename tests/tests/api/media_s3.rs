//! Photos in an S3-compatible object store (`ENTRAIDE_MEDIA_STORE=s3`), end to end against a
//! real S3 server: `.ci/run` starts moto (`tests/s3/moto.sh`) and always sets
//! `ENTRAIDE_TEST_S3_ENDPOINT`; a plain `cargo test` without it skips, and says so.

use std::sync::Arc;

use entraide_api::configuration::{MediaStoreKind, Settings};
use entraide_api::media::{MediaStore, S3Store};
use entraide_domain::ids::MediaId;
use entraide_domain::media::{MediaFormat, VariantName};
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::support::{PASSWORD, png, spawn_app_with};

const BUCKET: &str = "entraide-e2e";

/// The test server's endpoint, the bucket created; `None` (said loudly, and a failure under CI)
/// without `ENTRAIDE_TEST_S3_ENDPOINT`.
async fn s3_endpoint() -> Option<String> {
    let Ok(endpoint) = std::env::var("ENTRAIDE_TEST_S3_ENDPOINT") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "ENTRAIDE_TEST_S3_ENDPOINT must be set under CI (.ci/run starts moto_server)"
        );
        eprintln!(
            "SKIPPED: ENTRAIDE_TEST_S3_ENDPOINT is not set: photos in S3 were NOT tested against \
             a server (run `bash tests/s3/with-moto.sh cargo test ...` to do so)"
        );
        return None;
    };
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    // moto takes unsigned requests; an existing bucket is fine.
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{BUCKET}"))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success() || created.status() == StatusCode::CONFLICT,
        "cannot create the test bucket: {}",
        created.status()
    );
    Some(endpoint)
}

/// The keys under `prefix` in the bucket, read straight from the server (ListObjectsV2).
async fn keys_under(endpoint: &str, prefix: &str) -> Vec<String> {
    let listing = reqwest::Client::new()
        .get(format!("{endpoint}/{BUCKET}"))
        .query(&[("list-type", "2"), ("prefix", prefix)])
        .send()
        .await
        .unwrap();
    assert_eq!(listing.status(), StatusCode::OK);
    let xml = listing.text().await.unwrap();
    let mut keys: Vec<String> = xml
        .split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split("</Key>").next())
        .map(str::to_owned)
        .collect();
    keys.sort();
    keys
}

/// The S3 settings of the test (bucket, prefix, moto's fixed credentials).
fn configure(settings: &mut Settings, endpoint: &str, prefix: &str) {
    settings.media_store = MediaStoreKind::S3;
    settings.s3_bucket = Some(BUCKET.to_owned());
    settings.s3_region = Some("us-east-1".to_owned());
    settings.s3_endpoint = Some(endpoint.to_owned());
    settings.s3_access_key_id = Some("testing".to_owned());
    settings.s3_secret_access_key = Some(SecretString::from("testing"));
    settings.s3_prefix = Some(prefix.to_owned());
    settings.s3_allow_http = true;
}

/// An object's bytes, read with a store of its own (signed GET: objects are private).
async fn object(store: &Arc<S3Store>, id: &str, variant: VariantName) -> Option<Vec<u8>> {
    let store = store.clone();
    let id = MediaId::from_uuid(id.parse().unwrap());
    actix_web::web::block(move || store.get(id, variant, MediaFormat::Png))
        .await
        .unwrap()
        .unwrap()
}

#[actix_web::test]
async fn photos_live_in_s3_are_served_to_readers_and_erased_with_their_owner() {
    let Some(endpoint) = s3_endpoint().await else {
        return;
    };
    let prefix = format!("e2e-{}", uuid::Uuid::now_v7());
    let app = spawn_app_with(|settings| configure(settings, &endpoint, &prefix)).await;
    let mut own = Settings::with_database("sqlite://unused.db", "unused");
    configure(&mut own, &endpoint, &prefix);
    let store = Arc::new(S3Store::from_settings(&own).unwrap());
    let lou = app.member("Lou", "patient").await;
    let reader = app.member("Lecteur", "patient").await;
    let outsider = app.member("Dehors", "patient").await;
    let group = app
        .create_group(&lou, "Cercle", "private", "everyone")
        .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/invitations", group.id),
        Some(&lou),
        Some(json!({"member_id": reader.id})),
    )
    .await;
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/join", group.id),
        Some(&reader),
        None,
    )
    .await;

    let uploaded = app.upload(Some(&lou), &png(700, 500), "image/png").await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let photo: Value = uploaded.json().await.unwrap();
    let id = photo["id"].as_str().unwrap().to_owned();
    let names: Vec<&str> = photo["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["320", "640", "full"]);

    // One object per variant, `<prefix>/<id>/<variant>.<ext>`, and nothing on the local disk.
    assert_eq!(
        keys_under(&endpoint, &format!("{prefix}/")).await,
        [
            format!("{prefix}/{id}/320.png"),
            format!("{prefix}/{id}/640.png"),
            format!("{prefix}/{id}/full.png"),
        ]
    );
    assert!(!app.media_dir.join(&id).exists(), "nothing written locally");

    // Attached to a private group's post: a member reads the bytes kept in the bucket, an
    // outsider gets 404 as for a photo that does not exist.
    app.ok_json(
        Method::POST,
        &format!("/api/v1/groups/{}/posts", group.id),
        Some(&lou),
        Some(json!({"body": "Ma cicatrice", "media_ids": [id]})),
    )
    .await;
    for (variant, name) in [("full", VariantName::Full), ("320", VariantName::W320)] {
        let served = app
            .call(
                Method::GET,
                &format!("/api/v1/media/{id}?variant={variant}"),
                Some(&reader),
                None,
            )
            .await;
        assert_eq!(served.status(), StatusCode::OK);
        let served = served.bytes().await.unwrap().to_vec();
        assert_eq!(Some(served.clone()), object(&store, &id, name).await);
        assert!(served.starts_with(b"\x89PNG"));
    }
    let hidden = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{id}"),
            Some(&outsider),
            None,
        )
        .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);

    // Erasure deletes every object of the member's photos (an unattached one too).
    let waiting = app.upload_photo(&lou).await;
    assert!(
        !keys_under(&endpoint, &format!("{prefix}/{waiting}/"))
            .await
            .is_empty()
    );
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
    assert!(
        keys_under(&endpoint, &format!("{prefix}/"))
            .await
            .is_empty()
    );
    assert_eq!(object(&store, &id, VariantName::Full).await, None);
    let gone = app
        .call(
            Method::GET,
            &format!("/api/v1/media/{id}"),
            Some(&reader),
            None,
        )
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}
