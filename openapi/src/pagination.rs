//! Cursor pagination, the same for every list.

use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{IntoParams, ToSchema};

/// A page of a list. Pass `next_cursor` back as `cursor` to get the next page; `null` means
/// this was the last page. Cursors are opaque: do not build or edit them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

const PAGE_DESCRIPTION: &str = "A page of a list. Pass `next_cursor` back as `cursor` to get \
the next page; `null` means this was the last page. Cursors are opaque: do not build or edit them.";

/// The schema of `Page<T>`, written by hand: utoipa's derive inlines a generic's schema, so
/// `Page_Attendee` would repeat `Attendee` instead of referring to it, and a generated client
/// would get an anonymous item type. Here `items` refers to `#/components/schemas/<T>`.
/// Its example is a page of one item, `T`'s own example, so each example is written once.
impl<T: ToSchema> utoipa::__dev::ComposeSchema for Page<T> {
    fn compose(_generics: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        let item_example = match T::schema() {
            RefOr::T(Schema::Object(object)) => object.example,
            _ => None,
        };
        let page = ObjectBuilder::new();
        // `example` (not 3.1's `examples`): Spectral's `oas3-valid-schema-example` checks it.
        #[expect(deprecated, reason = "the example Spectral validates")]
        let page =
            page.example(item_example.map(
                |item| serde_json::json!({"items": [item], "next_cursor": Self::EXAMPLE_CURSOR}),
            ));
        page.description(Some(PAGE_DESCRIPTION))
            .property(
                "items",
                ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
            )
            .required("items")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some(
                        "Pass it back as `cursor` for the next page; `null` on the last page.",
                    )),
            )
            .required("next_cursor")
            .into()
    }
}

impl<T> Page<T> {
    /// The `next_cursor` of the examples (an opaque string, as the server's).
    const EXAMPLE_CURSOR: &'static str = "eyJrIjpbIjIwMjYtMTEtMzBUMDk6MTI6MDBaIl19";
}

impl<T: ToSchema> ToSchema for Page<T> {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Page")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into(), T::schema()));
        T::schemas(schemas);
    }
}

/// The paging query parameters every list accepts.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page, as the server sent it: a cursor this server did
    /// not issue for this list, or an edited one, is a 400 `invalid_cursor`. Absent: the first page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (`PageQuery::MAX_LIMIT`); absent: 20 (`PageQuery::DEFAULT_LIMIT`).
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
}

impl PageQuery {
    /// Items per page when `limit` is absent (the spec's `default`).
    pub const DEFAULT_LIMIT: u32 = 20;
    /// The largest `limit` (the spec's `maximum`).
    pub const MAX_LIMIT: u32 = 100;
}
