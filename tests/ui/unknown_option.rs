wa_client::include_api!("../../../../tests/specs/constructs/pets.yaml", flavours = ["x"]);

fn main() {}
