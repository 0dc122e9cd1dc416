provider "aws" {
  region = module.stack.region

  # The stack's tags (Project, Environment, ManagedBy, Stack) on every
  # resource, including the few that modules do not tag themselves.
  default_tags {
    tags = module.stack.tags
  }
}
