# The relnotes stack of one environment: every module, wired together. The env
# roots (envs/dev, envs/prod) call this with their terraform.tfvars settings.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name_prefix   = "d32-release-${var.environment}"
  cluster_name  = "${local.name_prefix}-eks"
  view_hostname = "${local.name_prefix}-api.${var.settings.dns_zone_name}"

  tags = {
    Project     = "relnotes"
    Environment = var.environment
    ManagedBy   = "terraform"
    Stack       = local.name_prefix
    Owner       = var.settings.owner
  }

  cluster_admin_role_arns = [
    for name in var.settings.cluster_admin_role_names :
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${name}"
  ]
}

module "network" {
  source = "../network"

  name_prefix             = local.name_prefix
  vpc_cidr                = var.settings.vpc_cidr
  azs                     = var.settings.azs
  public_subnet_cidrs     = [cidrsubnet(var.settings.vpc_cidr, 4, 0), cidrsubnet(var.settings.vpc_cidr, 4, 1)]
  private_subnet_cidrs    = [cidrsubnet(var.settings.vpc_cidr, 2, 1), cidrsubnet(var.settings.vpc_cidr, 2, 2)]
  single_nat_gateway      = var.settings.single_nat_gateway
  cluster_name            = local.cluster_name
  flow_log_retention_days = var.settings.log_retention_days
  interface_endpoints     = var.settings.interface_endpoints

  tags = local.tags
}

module "secrets" {
  source = "../secrets"

  name_prefix             = local.name_prefix
  recovery_window_in_days = var.settings.secret_recovery_window_in_days

  tags = local.tags
}

module "eks" {
  source = "../eks"

  cluster_name           = local.cluster_name
  name_prefix            = local.name_prefix
  kubernetes_version     = var.settings.kubernetes_version
  vpc_id                 = module.network.vpc_id
  subnet_ids             = module.network.private_subnet_ids
  endpoint_public_access = var.settings.cluster_endpoint_public_access
  public_access_cidrs    = var.settings.cluster_public_access_cidrs
  log_retention_days     = var.settings.log_retention_days
  app_node_group         = var.settings.app_node_group
  model_node_group       = var.settings.model_node_group
  admin_role_arns        = local.cluster_admin_role_arns
  addon_role_arns = {
    vpc_cni = module.irsa.role_arns["vpc_cni"]
    ebs_csi = module.irsa.role_arns["ebs_csi"]
  }

  tags = local.tags
}

module "rds" {
  source = "../rds"

  name_prefix                  = local.name_prefix
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.private_subnet_ids
  allowed_security_groups      = { eks_nodes = module.eks.node_security_group_id }
  instance_class               = var.settings.rds_instance_class
  multi_az                     = var.settings.rds_multi_az
  deletion_protection          = var.settings.rds_deletion_protection
  backup_retention_days        = var.settings.rds_backup_retention_days
  performance_insights_enabled = var.settings.rds_performance_insights_enabled
  monitoring_interval          = var.settings.rds_monitoring_interval
  log_retention_days           = var.settings.log_retention_days
  kms_key_arn                  = module.secrets.kms_key_arn

  tags = local.tags
}

module "redis" {
  source = "../redis"

  name_prefix                    = local.name_prefix
  vpc_id                         = module.network.vpc_id
  subnet_ids                     = module.network.private_subnet_ids
  allowed_security_groups        = { eks_nodes = module.eks.node_security_group_id }
  node_type                      = var.settings.redis_node_type
  num_cache_clusters             = var.settings.redis_num_cache_clusters
  auth_token_version             = var.settings.redis_auth_token_version
  create_elasticache             = var.settings.redis_create_elasticache
  kms_key_arn                    = module.secrets.kms_key_arn
  secret_recovery_window_in_days = var.settings.secret_recovery_window_in_days

  tags = local.tags
}

module "s3_docs" {
  source = "../s3_docs"

  bucket_name   = "${local.name_prefix}-docs-${data.aws_caller_identity.current.account_id}"
  force_destroy = var.settings.force_destroy_data

  tags = local.tags
}

module "ecr" {
  source = "../ecr"

  repository_name = "${local.name_prefix}-relnotes"
  force_delete    = var.settings.force_destroy_data

  tags = local.tags
}

module "irsa" {
  source = "../irsa"

  name_prefix       = local.name_prefix
  cluster_name      = module.eks.cluster_name
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer_url   = module.eks.oidc_issuer_url

  external_secrets_secret_arns = [
    module.rds.master_secret_arn,
    module.redis.auth_secret_arn,
    module.secrets.openai_secret_arn,
  ]
  secrets_kms_key_arns = [module.secrets.kms_key_arn]
  docs_bucket_arn      = module.s3_docs.bucket_arn
  docs_export_prefix   = var.settings.docs_export_prefix
  docs_kms_key_arn     = module.s3_docs.kms_key_arn

  tags = local.tags
}

# Helm values of the controllers the cluster needs before relnotes' manifests
# (README, "From apply to kubectl get rn"): everything they need from this
# stack, so an install is `terraform output -raw ... | helm install -f -`.
locals {
  app_nodes = { nodeSelector = { role = "app" } }

  helm_values = {
    aws_load_balancer_controller = yamlencode(merge(local.app_nodes, {
      clusterName = module.eks.cluster_name
      region      = var.settings.region
      # Nodes allow one IMDS hop only, so the controller cannot discover
      # these itself from a pod.
      vpcId = module.network.vpc_id
      serviceAccount = {
        create      = true
        name        = split("/", module.irsa.service_accounts["alb_controller"])[1]
        annotations = { "eks.amazonaws.com/role-arn" = module.irsa.role_arns["alb_controller"] }
      }
    }))
    # The controller itself gets no AWS role: relnotes' SecretStore authenticates as its own
    # service account (relnotes/relnotes-secret-store), the one external_secrets_role_arn trusts.
    external_secrets = yamlencode(merge(local.app_nodes, {
      installCRDs = true
    }))
    cluster_autoscaler = yamlencode(merge(local.app_nodes, {
      awsRegion     = var.settings.region
      autoDiscovery = { clusterName = module.eks.cluster_name }
      # The autoscaler's minor version follows the cluster's.
      image = { tag = "v${module.eks.cluster_version}.0" }
      rbac = {
        serviceAccount = {
          create      = true
          name        = split("/", module.irsa.service_accounts["cluster_autoscaler"])[1]
          annotations = { "eks.amazonaws.com/role-arn" = module.irsa.role_arns["cluster_autoscaler"] }
        }
      }
      extraArgs = {
        # Scale the model group back to zero 10 minutes after its last
        # model-service pod left; pick the group that wastes least.
        expander                    = "least-waste"
        balance-similar-node-groups = true
        scale-down-unneeded-time    = "10m"
        skip-nodes-with-system-pods = false
      }
    }))
  }
}

module "dns" {
  source = "../dns"

  zone_name     = var.settings.dns_zone_name
  create_zone   = var.settings.create_dns_zone
  view_hostname = local.view_hostname
  alb           = var.settings.view_alb
  blue_green    = var.settings.view_blue_green
  force_destroy = var.settings.force_destroy_data

  tags = local.tags
}

module "acm" {
  source = "../acm"

  domain_name         = local.view_hostname
  zone_id             = module.dns.zone_id
  wait_for_validation = var.settings.acm_wait_for_validation

  tags = local.tags
}
