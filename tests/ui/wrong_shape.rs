wa_client::include_api!("../../../../tests/specs/bad/wrong-shape.yaml");

fn main() {}
