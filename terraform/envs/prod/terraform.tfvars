# prod: one NAT gateway per AZ, Multi-AZ RDS with deletion protection, a
# Redis replica with automatic failover, nothing force-destroyable.
# Every attribute, its type and its default: modules/stack/variables.tf.
settings = {
  owner = "platform-team"

  region             = "ap-south-1"
  azs                = ["ap-south-1a", "ap-south-1b"]
  single_nat_gateway = false
  log_retention_days = 365

  # Interface VPC endpoints (the S3 gateway endpoint is always there); the
  # break-even against NAT data processing is in README.md, "VPC endpoints".
  interface_endpoints = ["ecr.api", "ecr.dkr", "sts", "secretsmanager"]

  kubernetes_version             = "1.33"
  cluster_endpoint_public_access = false
  cluster_public_access_cidrs    = []
  # IAM roles (this account, no path) with cluster-admin via EKS access entries.
  cluster_admin_role_names = ["d32-release-platform-admin"]

  app_node_group = {
    instance_types = ["m6i.large"]
    min_size       = 2
    max_size       = 6
    desired_size   = 2
  }

  # GPU-ready: scale-to-zero g5 nodes on the NVIDIA AL2023 AMI. Pods must
  # tolerate workload=model:NoSchedule and select role=model.
  model_node_group = {
    instance_types = ["g5.xlarge", "g6.xlarge"]
    ami_type       = "AL2023_x86_64_NVIDIA"
    min_size       = 0
    max_size       = 2
    desired_size   = 0
  }

  rds_instance_class        = "db.t4g.medium"
  rds_multi_az              = true
  rds_deletion_protection   = true
  rds_backup_retention_days = 14

  rds_performance_insights_enabled = true
  rds_monitoring_interval          = 60

  redis_node_type          = "cache.t4g.small"
  redis_num_cache_clusters = 2

  secret_recovery_window_in_days = 30
  force_destroy_data             = false
}
