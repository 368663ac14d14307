// OpenAPI 3.1 is read; its problems are placed on the user's nodes, even those the
// rewrite to 3.0 moves (a `$ref` with siblings, a hoisted `$defs` entry).
wa_runtime::include_api!("specs/bad/openapi-31.yaml");

fn main() {}
