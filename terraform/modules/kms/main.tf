# A customer-managed key with rotation, an alias, and a key policy that gives
# the account root full control; optionally CloudWatch Logs of this region may
# use it for the log groups under one name prefix. Every module that encrypts
# with its own key (eks, network, s3_docs, secrets, bootstrap) makes it here.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_109:In a key policy the resource "*" means this key only; admin access is limited to the account root.
  #checkov:skip=CKV_AWS_111:In a key policy the resource "*" means this key only; write access is limited to the account root (and CloudWatch Logs for one log-group prefix, when enabled).
  #checkov:skip=CKV_AWS_356:In a key policy the resource "*" means this key only; it cannot be narrowed further.
  statement {
    sid       = "AccountAdmin"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = var.logs_log_group_prefix == null ? [] : [var.logs_log_group_prefix]

    content {
      sid = "CloudWatchLogs"
      actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${statement.value}*"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.this.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
