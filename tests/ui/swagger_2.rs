// Swagger 2.0 is read; its problems are placed on the user's nodes and name the `$ref`s as
// written, though the rewrite to 3.0 moves definitions, bodies and response schemas.
wa_runtime::include_api!("specs/bad/swagger-2.yaml");

fn main() {}
