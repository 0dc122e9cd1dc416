# Root of `terraform test` (terraform/tests/*.tftest.hcl): the plan- and
# apply-time assertions of the modules that moto cannot create (ElastiCache,
# EKS access entries and add-ons) and of every variable validation that
# guards a security property. Each run block names the module it tests; the
# AWS provider is mocked, so nothing is called.
terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.70, < 6.0"
    }
  }
}
