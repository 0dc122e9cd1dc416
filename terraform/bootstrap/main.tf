# One-off root that creates the remote-state bucket and lock table used by
# envs/dev and envs/prod. Its own state is local (terraform.tfstate here):
# keep it, or migrate it into the bucket afterwards (see ../README.md).

data "aws_caller_identity" "current" {}

locals {
  bucket_name = "${var.state_bucket_prefix}-${data.aws_caller_identity.current.account_id}"

  tags = {
    Project     = "relnotes"
    Environment = "shared"
    ManagedBy   = "terraform"
    Stack       = "d32-release-bootstrap"
  }
}

module "kms" {
  source = "../modules/kms"

  alias                   = "d32-release-tfstate"
  description             = "Terraform state of d32-release"
  deletion_window_in_days = 30
}

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:No server access logging: a log bucket would need its own logging and retention; this stack creates no CloudTrail either, so enable S3 data events for this bucket in the account's trail to audit state reads.
  #checkov:skip=CKV_AWS_144:State is small and versioned; a replica in another region is not needed for a single-region stack.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to state object events.
  bucket = local.bucket_name

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.kms.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_state_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

data "aws_iam_policy_document" "state_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.state.arn,
      "${aws_s3_bucket.state.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.state]
}

resource "aws_dynamodb_table" "lock" {
  name         = var.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = module.kms.arn
  }

  deletion_protection_enabled = true
}
