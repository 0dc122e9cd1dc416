# dev: the whole composition is modules/stack; this environment's settings
# are in terraform.tfvars (types, defaults and documentation of every
# attribute: modules/stack/variables.tf).

variable "settings" {
  description = "Settings of this environment, passed to modules/stack unchanged (it types and checks them)."
  type        = any
}

module "stack" {
  source = "../../modules/stack"

  environment = "dev"
  settings    = var.settings
}
