//! The intermediate form between the OpenAPI document and Rust tokens.
//!
//! Invariants: every `TypeRef::Named` holds the index of a `TypeDef` in `Api::types`, and
//! `Api::types` is in emission order; every name (type, field, variant, method) is already a
//! valid, unique Rust identifier; path templates are parsed and their parameters resolved;
//! multipart bodies list their parts. Emission looks nothing up by name: it only prints.

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
    /// Models, indexed by [`TypeId`], in the order they are emitted (the spec's order, an
    /// inline model before the one that holds it).
    pub types: Vec<TypeDef>,
}

/// A model: its index in [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

impl Api {
    /// The model `id` names.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The model named `name`, for tests that look one up as the generated code names it.
    #[cfg(test)]
    pub(crate) fn type_named(&self, name: &str) -> &TypeDef {
        match self.types.iter().find(|t| t.name == name) {
            Some(def) => def,
            None => panic!("no model named {name}"),
        }
    }

    /// Every type reference of the API: operations' parameters, bodies and answers, and the
    /// models' fields, variants and aliases.
    pub fn type_refs_mut(&mut self) -> Vec<&mut TypeRef> {
        let mut out = Vec::new();
        for op in &mut self.operations {
            op.type_refs_mut(&mut out);
        }
        for def in &mut self.types {
            out.extend(def.kind.type_refs_mut());
        }
        out
    }
}

/// HTTP methods an OpenAPI path item can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// One `http::Method` has no constant for, as sent: 3.2's `QUERY`, or a key of
    /// `additionalOperations` (`COPY`).
    Other(String),
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The key of a path item holding this method's operation (`get`); the method in
    /// lower case for the others.
    pub fn key(&self) -> String {
        self.as_str().to_ascii_lowercase()
    }

    /// The method as sent (`GET`); for the standard ones also the name of `http::Method`'s
    /// constant.
    pub fn as_str(&self) -> &str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
            HttpMethod::Other(method) => method,
        }
    }
}

/// A path template parsed once: literal text and parameters, in path order.
#[derive(Debug, Clone, PartialEq)]
pub struct PathTemplate {
    /// The template as the spec writes it (`/v2/assistants/{assistant_id}`), for docs.
    pub text: String,
    pub parts: Vec<PathPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Literal(String),
    /// The operation's required parameter at this index.
    Param(usize),
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
    /// The whole query string (OpenAPI 3.2's `in: querystring`), written as this says.
    QueryString(QueryString),
}

/// How an `in: querystring` parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryString {
    /// An object, form-encoded (`application/x-www-form-urlencoded`); or a string as it is.
    Form,
    /// JSON text.
    Json,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId, or the name derived from method and path.
    pub id: String,
    pub method_name: String,
    /// The tags the spec files the operation under.
    pub tags: Vec<String>,
    pub http_method: HttpMethod,
    pub path: PathTemplate,
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
    pub errors: Vec<ErrorAnswer>,
}

/// An error status of an operation and the JSON model its body carries.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    pub status: ResponseStatus,
    pub body: TypeRef,
}

/// The statuses one response of the spec covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseStatus {
    /// One status, `404`.
    Code(u16),
    /// A class, `4XX`: the first digit.
    Range(u16),
    /// Every status the others do not list.
    Default,
}

impl std::fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Code(code) => write!(f, "{code}"),
            Self::Range(class) => write!(f, "{class}XX"),
            Self::Default => f.write_str("default"),
        }
    }
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
    /// Swagger 2.0's `collectionFormat: tsv`.
    TabDelimited,
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
    /// `application/x-www-form-urlencoded`; the fields whose `encoding` says another style
    /// than `form` exploded (lists repeated), by wire name.
    Form(TypeRef, Vec<(String, QueryStyle)>),
    /// `multipart/form-data` whose schema names no fields: the caller builds the parts
    /// (`wa_runtime::Multipart`).
    MultipartParts,
    /// `multipart/form-data`: one part per field of `model`.
    Multipart {
        model: TypeRef,
        parts: Vec<MultipartPart>,
        /// The model's field of properties it does not name, each sent as a text part.
        additional: Option<String>,
    },
}

impl BodyKind {
    /// The model a caller passes, for bodies built from one.
    pub fn model(&self) -> Option<&TypeRef> {
        match self {
            BodyKind::Json(ty) | BodyKind::Form(ty, _) | BodyKind::Multipart { model: ty, .. } => {
                Some(ty)
            }
            BodyKind::Binary(_) | BodyKind::MultipartParts => None,
        }
    }
}

/// One part of a multipart body: a field of the body's model.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPart {
    pub wire_name: String,
    pub field: String,
    /// `format: binary`: sent as a file; otherwise as text.
    pub file: bool,
    /// How the field wraps its value: the part is left out when there is none.
    pub shape: FieldShape,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No body (or one the client ignores).
    Empty,
    Json(TypeRef),
    /// Raw bytes, asked for in these media types (the `Accept` value, as the spec names
    /// them).
    Binary(String),
    /// `text/event-stream` whose events decode as this type.
    EventStream(TypeRef),
    /// A sequential media type with an `itemSchema` (OpenAPI 3.2): a stream of these items.
    Items(Sequence, TypeRef),
    /// Both forms: the method returns JSON, a sibling method `<name>_bytes` the raw body in
    /// the other media types (the `Accept` value it sends).
    JsonOrBinary(TypeRef, String),
    /// Different bodies for different success statuses: an enum named `name`, one variant
    /// per status (`None`: no body).
    ByStatus {
        name: String,
        statuses: Vec<(u16, StatusBody)>,
    },
}

/// A sequential media type, and so how its items are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    /// `text/event-stream`, each event an item (`event`, `data`, `id`, `retry`).
    Events,
    /// As `Events`, with `data` holding JSON.
    EventsJsonData,
    /// `application/jsonl`: a JSON text per line.
    JsonLines,
    /// `application/x-ndjson`: a JSON text per line.
    NdJson,
    /// `application/json-seq`: JSON texts after record separators.
    JsonSeq,
}

/// The body of one success status, when statuses differ.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusBody {
    Empty,
    Json(TypeRef),
    /// Anything that is not JSON (an image, YAML, a stream): the raw bytes.
    Bytes,
}

/// Cursor pagination as the spec shows it: a query parameter taking the cursor, the response
/// field holding the items, and the path to the next cursor in the response.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub cursor_param: String,
    pub items_field: String,
    /// How the items field is wrapped: `Vec<T>`, `Option<Vec<T>>` (may be left out) or
    /// `Option<Option<Vec<T>>>` (may also be `null`).
    pub items_shape: FieldShape,
    pub item_type: TypeRef,
    /// Field of the response holding the pagination object, and its field with the next cursor.
    pub pagination_field: String,
    pub pagination_shape: FieldShape,
    pub next_cursor_field: String,
    pub next_cursor_shape: FieldShape,
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
    Named(TypeId),
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// The model this reference names, through `Vec`, `Map` and `Box`.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => inner.named(),
            _ => None,
        }
    }

    /// The type this reference stands for, through boxes and aliases (`types` is
    /// [`Api::types`]); a cycle of aliases stops where it would repeat.
    pub fn plain<'t>(&'t self, types: &'t [TypeDef]) -> &'t TypeRef {
        let mut ty = self;
        for _ in 0..=types.len() {
            match ty {
                TypeRef::Boxed(inner) => ty = inner,
                TypeRef::Named(id) => match &types[id.0].kind {
                    TypeKind::Alias(to) => ty = to,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    fn named_mut(&mut self) -> Option<&mut TypeId> {
        match self {
            TypeRef::Named(id) => Some(id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => inner.named_mut(),
            _ => None,
        }
    }
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
    /// What the value means, where the spec says (a `oneOf` of `const`s with descriptions).
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    /// The tag value (tagged unions only).
    pub tag: Option<String>,
    pub ty: TypeRef,
    /// For a member that shares its tag with others: the properties whose value tells it
    /// apart, each with the values it allows. Members sharing a tag are tried in order; the
    /// first whose values allow the value, and which decodes it, takes it.
    pub when: Vec<(String, Vec<String>)>,
    /// An open string enum in an untagged union before a member that takes any string:
    /// it takes only the values it names, and leaves the others to that member.
    pub known_only: bool,
}

impl Operation {
    /// Every type reference of the operation, appended to `out`.
    pub fn type_refs_mut<'s>(&'s mut self, out: &mut Vec<&'s mut TypeRef>) {
        let params = self.required_params.iter_mut();
        let optional = self.optional_params.iter_mut().flat_map(|s| &mut s.params);
        out.extend(params.chain(optional).map(|p| &mut p.ty));
        if let Some(Body {
            kind: BodyKind::Json(ty) | BodyKind::Form(ty, _) | BodyKind::Multipart { model: ty, .. },
            ..
        }) = &mut self.body
        {
            out.push(ty);
        }
        match &mut self.success {
            Success::Json(ty)
            | Success::EventStream(ty)
            | Success::Items(_, ty)
            | Success::JsonOrBinary(ty, _) => out.push(ty),
            Success::ByStatus { statuses, .. } => {
                out.extend(statuses.iter_mut().filter_map(|(_, body)| match body {
                    StatusBody::Json(ty) => Some(ty),
                    StatusBody::Empty | StatusBody::Bytes => None,
                }))
            }
            Success::Empty | Success::Binary(_) => {}
        }
        out.extend(self.errors.iter_mut().map(|e| &mut e.body));
        if let Some(p) = &mut self.pagination {
            out.push(&mut p.item_type);
        }
    }
}

impl TypeKind {
    /// The type references this model holds directly.
    pub fn type_refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .map(|f| &mut f.ty)
                .chain(s.additional.iter_mut().map(|(_, ty)| ty))
                .collect(),
            TypeKind::Tagged { variants, .. } | TypeKind::Untagged { variants } => {
                variants.iter_mut().map(|v| &mut v.ty).collect()
            }
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::OpenEnum { .. } => Vec::new(),
        }
    }
}

/// Renumbers the models: `new_index[old]` is a model's new index, `None` drops it. A
/// reference to a dropped model becomes free-form JSON (filters drop only unreachable ones).
pub(crate) fn renumber(api: &mut Api, new_index: &[Option<usize>]) {
    for ty in api.type_refs_mut() {
        let mut dropped = false;
        if let Some(id) = ty.named_mut() {
            match new_index[id.0] {
                Some(n) => id.0 = n,
                None => dropped = true,
            }
        }
        if dropped {
            *ty = TypeRef::Json;
        }
    }
    let mut slots: Vec<Option<TypeDef>> = std::mem::take(&mut api.types)
        .into_iter()
        .map(Some)
        .collect();
    let mut order: Vec<(usize, usize)> = new_index
        .iter()
        .enumerate()
        .filter_map(|(old, new)| new.map(|n| (n, old)))
        .collect();
    order.sort_unstable();
    api.types = order
        .into_iter()
        .filter_map(|(_, old)| slots[old].take())
        .collect();
}

/// How a field's type wraps its value type `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// `T`: required and not nullable.
    Plain,
    /// `Option<T>`: not required, nullable, or set by the service only.
    Optional,
    /// `Option<Option<T>>`: not required and nullable, so absent, `null` and a value are three
    /// states.
    Nullable,
}

impl Field {
    /// Whether the field is an `Option`: not required, nullable, or set by the service only
    /// (`readOnly`, absent from requests).
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable || self.read_only
    }

    pub fn shape(&self) -> FieldShape {
        if !self.required && self.nullable && !self.flatten {
            FieldShape::Nullable
        } else if self.is_optional() {
            FieldShape::Optional
        } else {
            FieldShape::Plain
        }
    }
}

impl Struct {
    /// True when every field may be left out, so `Default` is meaningful.
    pub fn all_optional(&self) -> bool {
        self.fields.iter().all(Field::is_optional)
    }
}
