data "aws_partition" "current" {}

locals {
  identifier = "${var.name_prefix}-pg"
  family     = "postgres${var.engine_version}"
  log_types  = toset(["postgresql", "upgrade"])
}

# --- Log groups --------------------------------------------------------------------
# Created before the instance, so RDS writes into groups with a retention and
# our key instead of creating its own (kept forever, AWS-managed encryption,
# and left behind by destroy).

module "logs_kms" {
  source = "../kms"

  alias                 = "${local.identifier}-logs"
  description           = "${local.identifier} Postgres logs"
  logs_log_group_prefix = "/aws/rds/instance/${local.identifier}/"

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_types

  name              = "/aws/rds/instance/${local.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.logs_kms.arn

  tags = var.tags
}

resource "aws_db_subnet_group" "this" {
  name        = local.identifier
  description = "Private subnets of ${local.identifier}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${local.identifier}-sg"
  description = "Postgres ${local.identifier}: only the EKS nodes may connect"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${local.identifier}-sg" })
}

resource "aws_vpc_security_group_ingress_rule" "from_nodes" {
  for_each = var.allowed_security_groups

  security_group_id            = aws_security_group.this.id
  description                  = "Postgres from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
}

resource "aws_db_parameter_group" "this" {
  name        = local.identifier
  family      = local.family
  description = "${local.identifier}: TLS only, connection and slow-statement logging"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${local.identifier}-monitoring"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_157:multi_az is a variable, true by default and in prod; dev sets it false for cost.
  #checkov:skip=CKV_AWS_353:performance_insights_enabled is a variable, true by default and in prod; dev turns it off on its micro instance class.
  #checkov:skip=CKV_AWS_293:deletion_protection is a variable, true by default and in prod; dev turns it off so the environment can be torn down.
  identifier = local.identifier

  engine = "postgres"
  # The major version only: AWS applies minor upgrades in the maintenance
  # window and the provider accepts any 16.x as matching "16", so an upgrade
  # never shows up as drift (a pinned minor would plan a failing downgrade).
  engine_version             = var.engine_version
  auto_minor_version_upgrade = true
  instance_class             = var.instance_class
  parameter_group_name       = aws_db_parameter_group.this.name

  db_name  = var.database_name
  username = var.master_username
  # RDS generates the master password, stores it in Secrets Manager (encrypted
  # with our key) and rotates it. No password ever passes through Terraform.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  iam_database_authentication_enabled = true

  allocated_storage     = var.allocated_storage_gib
  max_allocated_storage = var.max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period   = var.backup_retention_days
  backup_window             = "18:00-19:00"
  maintenance_window        = "sun:19:30-sun:20:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.deletion_protection
  final_snapshot_identifier = var.deletion_protection ? "${local.identifier}-final" : null

  enabled_cloudwatch_logs_exports       = sort(local.log_types)
  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? 7 : null
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null

  apply_immediately = !var.deletion_protection

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.monitoring, aws_cloudwatch_log_group.this]
}
