//! Logs: `tracing` with one span per request (carrying its request id), pretty in development,
//! JSON in production. The level comes from `ENTRAIDE_LOG` (or `RUST_LOG`), default `info`.

use actix_web::HttpMessage;
use tracing_subscriber::EnvFilter;

use crate::configuration::LogFormat;

pub fn init(format: LogFormat) {
    let filter = std::env::var("ENTRAIDE_LOG")
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    crate::panics::install_hook();
}

/// The request span, without what could identify a person or their health: the route pattern
/// (`/api/v1/members/{id}`), never the raw path or query string — search terms, calendar tokens
/// and ids stay out of the logs. Client address and user agent are left out too.
pub struct PrivateRootSpan;

impl tracing_actix_web::RootSpanBuilder for PrivateRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            request_id = %request_id,
            http.method = %request.method(),
            http.route = %route,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        tracing_actix_web::DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use tracing_actix_web::RootSpanBuilder;

    #[test]
    fn the_request_span_has_no_raw_path_or_query() {
        let request = TestRequest::get()
            .uri("/api/v1/search?q=sclerose%20en%20plaques")
            .to_srv_request();
        let subscriber = tracing_subscriber::registry();
        let fields: Vec<String> = tracing::subscriber::with_default(subscriber, || {
            let span = PrivateRootSpan::on_request_start(&request);
            span.metadata()
                .map(|m| m.fields().iter().map(|f| f.name().to_owned()).collect())
                .unwrap_or_default()
        });
        assert!(fields.contains(&"http.route".to_owned()), "{fields:?}");
        assert!(fields.contains(&"http.status_code".to_owned()));
        for private in ["http.target", "http.client_ip", "http.user_agent"] {
            assert!(
                !fields.iter().any(|f| f == private),
                "{private} in {fields:?}"
            );
        }
    }
}
