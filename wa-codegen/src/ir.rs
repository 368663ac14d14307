//! The intermediate form between the OpenAPI document and Rust tokens.
//!
//! Invariants: every `TypeRef::Named` names a `TypeDef` in `Api::types`; every name (type,
//! field, variant, method) is already a valid, unique Rust identifier, so emission only prints.

/// A whole API, ready to be emitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    /// The first server URL of the spec, if any.
    pub default_service_url: Option<String>,
    /// Parameters the client sends on every call (`x-sdk-global-param: true`).
    pub globals: Vec<GlobalParam>,
    pub operations: Vec<Operation>,
    /// Models, in the order the spec declares them (inline ones after their parent).
    pub types: Vec<TypeDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GlobalParam {
    /// Name on the wire.
    pub wire_name: String,
    /// Snake-case name for the client's setter (`with_<name>`).
    pub rust_name: String,
    pub location: ParamLocation,
    pub default: Option<String>,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId, or the name derived from method and path.
    pub id: String,
    pub method_name: String,
    pub http_method: String,
    /// Path template as in the spec, `/v2/assistants/{assistant_id}`.
    pub path: String,
    pub doc: Option<String>,
    /// Required parameters, in the order they become method arguments (path first).
    pub required_params: Vec<Param>,
    /// Optional parameters, gathered in a generated struct passed by reference.
    pub optional_params: Option<ParamsStruct>,
    pub body: Option<Body>,
    pub success: Success,
    /// For list operations: how to walk every page.
    pub pagination: Option<Pagination>,
    /// Error statuses (`404`, `4XX`, `default`) with the model their body carries.
    pub errors: Vec<(String, TypeRef)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamsStruct {
    pub name: String,
    pub params: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub doc: Option<String>,
    /// How a query parameter is written, when not the default (`form`, exploded).
    pub style: Option<QueryStyle>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub kind: BodyKind,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    Json(TypeRef),
    /// Raw bytes with this content type.
    Binary(String),
    /// `application/x-www-form-urlencoded`.
    Form(TypeRef),
    /// `multipart/form-data`: one part per field of this model.
    Multipart(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No body (or one the client ignores).
    Empty,
    Json(TypeRef),
    Binary,
    /// `text/event-stream` whose events decode as this type.
    EventStream(TypeRef),
    /// Both forms: the method returns JSON, a sibling method `<name>_bytes` the raw body.
    JsonOrBinary(TypeRef),
    /// Different bodies for different success statuses: an enum named `name`, one variant
    /// per status (`None`: no body).
    ByStatus {
        name: String,
        statuses: Vec<(u16, Option<TypeRef>)>,
    },
}

/// Cursor pagination as the spec shows it: a query parameter taking the cursor, the response
/// field holding the items, and the path to the next cursor in the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub cursor_param: String,
    pub items_field: String,
    /// False when the items field may be left out (an empty page).
    pub items_required: bool,
    pub item_type: TypeRef,
    /// Field of the response holding the pagination object, and its field with the next cursor.
    pub pagination_field: String,
    pub next_cursor_field: String,
    pub pagination_required: bool,
}

/// A type as used by a field, parameter or body.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    String,
    DateTime,
    Date,
    I32,
    I64,
    F32,
    F64,
    Bool,
    /// `format: binary`: raw bytes (a file part in multipart bodies).
    Bytes,
    /// Any JSON value.
    Json,
    Vec(Box<TypeRef>),
    /// JSON object with values of this type (`additionalProperties`).
    Map(Box<TypeRef>),
    Named(String),
    Boxed(Box<TypeRef>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum that also accepts values it does not know.
    OpenEnum {
        variants: Vec<EnumVariant>,
        unknown: String,
    },
    /// A `oneOf` with a discriminator: decoded by the value of `tag`.
    Tagged {
        tag: String,
        variants: Vec<UnionVariant>,
        unknown: String,
    },
    /// A `oneOf`/`anyOf` without discriminator: the first variant that decodes wins.
    Untagged {
        variants: Vec<UnionVariant>,
    },
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Where unknown keys go (`additionalProperties`), as `(field name, value type)`.
    pub additional: Option<(String, TypeRef)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    /// Serialised in place of the field's own key (`allOf` over a union).
    pub flatten: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub rust_name: String,
    pub wire_value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    /// The tag value (tagged unions only).
    pub tag: Option<String>,
    pub ty: TypeRef,
}

impl Struct {
    /// True when every field may be left out, so `Default` is meaningful.
    pub fn all_optional(&self) -> bool {
        self.fields.iter().all(|f| !f.required || f.nullable)
    }
}
