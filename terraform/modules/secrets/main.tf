# One customer-managed key for every application secret (OpenAI key, RDS
# master secret, Redis auth token). Readers need kms:Decrypt on it through
# Secrets Manager, which the IRSA policies grant per role.
module "kms" {
  source = "../kms"

  alias       = "${var.name_prefix}-secrets"
  description = "${var.name_prefix} application secrets"

  tags = var.tags
}

# The OpenAI API key. Terraform creates only the container; the value is put
# outside Terraform (aws secretsmanager put-secret-value) so it never lands in
# state or in a tfvars file.
resource "aws_secretsmanager_secret" "openai" {
  #checkov:skip=CKV2_AWS_57:Third-party API key: it is rotated in the OpenAI dashboard and re-put by the on-call runbook; Secrets Manager has no rotator for it.
  name                    = "${var.name_prefix}/openai-api-key"
  description             = "OpenAI API key for the relnotes model service (value set outside Terraform)"
  kms_key_id              = module.kms.arn
  recovery_window_in_days = var.recovery_window_in_days

  tags = var.tags
}
