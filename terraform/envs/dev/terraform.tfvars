# dev: one NAT gateway, single-AZ RDS, one Redis node, small nodes, the model
# group idle at zero. Teardown-friendly (no deletion protection, secrets
# deleted without recovery window, buckets/repos force-destroyed).
# Every attribute, its type and its default: modules/stack/variables.tf.
settings = {
  owner = "platform-team"

  region             = "ap-south-1"
  azs                = ["ap-south-1a", "ap-south-1b"]
  single_nat_gateway = true
  log_retention_days = 365

  # Interface VPC endpoints (the S3 gateway endpoint is always there); the
  # break-even against NAT data processing is in README.md, "VPC endpoints".
  interface_endpoints = []

  kubernetes_version             = "1.33"
  cluster_endpoint_public_access = false
  cluster_public_access_cidrs    = []
  # IAM roles (this account, no path) with cluster-admin via EKS access entries.
  cluster_admin_role_names = ["d32-release-platform-admin"]

  app_node_group = {
    instance_types = ["t3.large"]
    min_size       = 1
    max_size       = 3
    desired_size   = 2
  }

  model_node_group = {
    instance_types = ["m6i.large"]
    min_size       = 0
    max_size       = 2
    desired_size   = 0
  }

  rds_instance_class        = "db.t4g.micro"
  rds_multi_az              = false
  rds_deletion_protection   = false
  rds_backup_retention_days = 7
  # Performance Insights is not offered on every micro class; dev does without
  # it, prod (db.t4g.medium) keeps it.
  rds_performance_insights_enabled = false
  rds_monitoring_interval          = 60

  redis_node_type          = "cache.t4g.micro"
  redis_num_cache_clusters = 1

  secret_recovery_window_in_days = 0
  force_destroy_data             = true
}
