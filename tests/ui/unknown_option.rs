wa_client::include_api!("../../../../tests/specs/pets.yaml", flavours = ["x"]);

fn main() {}
