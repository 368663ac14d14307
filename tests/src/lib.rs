//! Every fixture spec under `specs/constructs/` compiled for real, so that CI proves the
//! generated code builds (and, under clippy, builds without warnings), not only that it
//! snapshots. Each module is what a downstream crate gets from `include_api!`.

pub mod names {
    wa_runtime::include_api!("specs/constructs/names.yaml");
}

/// OpenAPI 3.1, read as its 3.0 equivalent.
pub mod openapi_31 {
    wa_runtime::include_api!("specs/constructs/openapi-31.yaml");
}

/// OpenAPI 3.2: item streams, `query` and other methods, whole query strings.
pub mod openapi_32 {
    wa_runtime::include_api!("specs/constructs/openapi-32.yaml");
}

pub mod parameters_and_bodies {
    wa_runtime::include_api!("specs/constructs/parameters-and-bodies.yaml");
}

pub mod published_idioms {
    wa_runtime::include_api!("specs/constructs/published-idioms.yaml");
}

/// A scalar refined through `allOf`, a response that names a request body, and schemas
/// referred to inside other operations' answers.
pub mod references_and_refinements {
    wa_runtime::include_api!("specs/constructs/references-and-refinements.yaml");
}

pub mod pets {
    wa_runtime::include_api!("specs/constructs/pets.yaml");
}

/// Swagger 2.0, read as its OpenAPI 3.0 equivalent.
pub mod swagger_2 {
    wa_runtime::include_api!("specs/constructs/swagger-2.yaml");
}

/// YAML as Docker's spec writes it: what libyaml accepts and stricter readers refuse.
pub mod yaml_as_written {
    wa_runtime::include_api!("specs/constructs/yaml-as-written.yaml");
}

/// Identical schemas sharing one model: components repeated in place, identical inline
/// shapes, and shapes that differ in a detail that matters (not shared).
pub mod shared_shapes {
    wa_runtime::include_api!("specs/constructs/shared-shapes.yaml");
}

/// Unions without a discriminator whose members are strings, numbers, enums and lists.
pub mod scalar_unions {
    wa_runtime::include_api!("specs/constructs/scalar-unions.yaml");
}

pub mod streams_and_binary {
    wa_runtime::include_api!("specs/constructs/streams-and-binary.yaml");
}

/// Discriminated unions with members in place and a shared tag; `$recursiveRef` and
/// `$dynamicRef` (OpenAPI 3.1).
pub mod tagged_unions {
    wa_runtime::include_api!("specs/constructs/tagged-unions.yaml");
}

/// A spec split over many files: `$ref`s to files, maps, operations and texts in files.
pub mod multi_shop {
    wa_runtime::include_api!("specs/multi/shop/shop.yaml");
}

/// Many operations sharing one operationId, in a JSON tree.
pub mod multi_repeated {
    wa_runtime::include_api!("specs/multi/repeated/repeated.json");
}

/// Only the `sessions` operations of the Watson spec, and only the models they use.
pub mod sessions_only {
    wa_runtime::include_api!("../spec/assistant-v2.yaml", tags = ["sessions"]);
}

/// Through `wa_client` alone: the re-exported macro, told to name the runtime by the crate
/// that re-exports it, as a crate depending only on wa-client writes it.
pub mod via_wa_client {
    wa_client::include_api!("specs/constructs/pets.yaml", runtime = wa_client);
}
