# Remote state in the bucket/table made by terraform/bootstrap. The bucket
# name carries the account ID, so it is passed at init time:
#   terraform init -backend-config=backend.hcl
# (backend.hcl.example shows the content; bootstrap prints it as an output).
terraform {
  backend "s3" {
    key            = "relnotes/prod/terraform.tfstate"
    region         = "ap-south-1"
    dynamodb_table = "d32-release-tflock"
    encrypt        = true
  }
}
