# modules/rds: no drift on AWS's minor upgrades, and logs that Terraform owns.

mock_provider "aws" {
  alias = "mock"

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "ap-south-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_db_instance" {
    defaults = {
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:ap-south-1:123456789012:secret:rds!db-mock", kms_key_id = "k", secret_status = "active" }]
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mocked"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:ap-south-1:123456789012:key/99999999-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-south-1.amazonaws.com/id/0123456789ABCDEF"
    }
  }
}

variables {
  name_prefix             = "d32-release-test"
  vpc_id                  = "vpc-0123456789abcdef0"
  subnet_ids              = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  allowed_security_groups = { eks_nodes = "sg-0123456789abcdef0" }
  kms_key_arn             = "arn:aws:kms:ap-south-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "major_version_only_with_minor_upgrades" {
  command = plan

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/rds"
  }

  assert {
    condition     = aws_db_instance.this.engine_version == "16" && aws_db_instance.this.auto_minor_version_upgrade
    error_message = "Postgres is pinned to its major version and AWS applies minor upgrades."
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16"
    error_message = "The parameter group family follows the major version."
  }
}

run "log_groups_exist_before_the_instance" {
  command = apply

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/rds"
  }

  assert {
    condition     = toset([for g in aws_cloudwatch_log_group.this : g.name]) == toset(["/aws/rds/instance/d32-release-test-pg/postgresql", "/aws/rds/instance/d32-release-test-pg/upgrade"])
    error_message = "Terraform creates the log groups RDS exports to."
  }

  assert {
    condition     = toset(aws_db_instance.this.enabled_cloudwatch_logs_exports) == toset([for g in aws_cloudwatch_log_group.this : basename(g.name)])
    error_message = "Every exported log type has its Terraform-made group."
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 365 && g.kms_key_id == module.logs_kms.arn])
    error_message = "The log groups keep logs a year, encrypted with the customer key."
  }
}

run "a_pinned_minor_is_refused" {
  command = plan

  providers = {
    aws = aws.mock
  }

  module {
    source = "../modules/rds"
  }

  variables {
    engine_version      = "16.8"
    log_retention_days  = 0
    monitoring_interval = 7
  }

  expect_failures = [var.engine_version, var.log_retention_days, var.monitoring_interval]
}
