# The env roots re-export these under the same names (the manifests' aws overlay
# contract). None of these is secret: secrets are referenced by ARN and read
# in-cluster through IRSA / External Secrets.

output "tags" {
  description = "Tags of every resource of the stack; the env roots also use them as the provider's default_tags."
  value       = local.tags
}

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "region" {
  description = "AWS region of the environment."
  value       = var.settings.region
}

output "ecr_repository_url" {
  description = "ECR repository URL for the relnotes images."
  value       = module.ecr.repository_url
}

output "operator_role_arn" {
  description = "IRSA role for relnotes/relnotes-operator."
  value       = module.irsa.role_arns["operator"]
}

output "model_service_role_arn" {
  description = "IRSA role for relnotes/relnotes-model-service."
  value       = module.irsa.role_arns["model_service"]
}

output "view_role_arn" {
  description = "IRSA role for relnotes/relnotes-view."
  value       = module.irsa.role_arns["view"]
}

output "alb_controller_role_arn" {
  description = "IRSA role for kube-system/aws-load-balancer-controller."
  value       = module.irsa.role_arns["alb_controller"]
}

output "external_secrets_role_arn" {
  description = "IRSA role for relnotes/relnotes-secret-store (the SecretStore's own account)."
  value       = module.irsa.role_arns["external_secrets"]
}

output "rds_endpoint" {
  description = "Postgres host name."
  value       = module.rds.endpoint
}

output "rds_port" {
  description = "Postgres port."
  value       = module.rds.port
}

output "rds_database_name" {
  description = "Postgres database name."
  value       = module.rds.database_name
}

output "rds_master_secret_arn" {
  description = "ARN of the RDS-managed master credentials secret."
  value       = module.rds.master_secret_arn
}

output "redis_primary_endpoint" {
  description = "Redis primary endpoint host name (TLS)."
  value       = module.redis.primary_endpoint
}

output "redis_port" {
  description = "Redis port."
  value       = module.redis.port
}

output "redis_auth_secret_arn" {
  description = "ARN of the Redis AUTH token secret."
  value       = module.redis.auth_secret_arn
}

output "openai_secret_arn" {
  description = "ARN of the OpenAI API key secret (value set outside Terraform)."
  value       = module.secrets.openai_secret_arn
}

output "acm_certificate_arn" {
  description = "ACM certificate for the view Ingress (alb.ingress.kubernetes.io/certificate-arn)."
  value       = module.acm.certificate_arn
}

output "view_hostname" {
  description = "Host name of the view (Ingress host)."
  value       = local.view_hostname
}

output "docs_bucket_name" {
  description = "Docs bucket name."
  value       = module.s3_docs.bucket_name
}

# --- Bring-up: what the controllers' installs and kubectl need -------------------

output "vpc_id" {
  description = "VPC of the cluster (the AWS Load Balancer Controller's vpcId: nodes allow one IMDS hop, so pods cannot look it up)."
  value       = module.network.vpc_id
}

output "cluster_endpoint" {
  description = "Private URL of the Kubernetes API (reachable from inside the VPC: SSM port forward, VPN or a bastion)."
  value       = module.eks.cluster_endpoint
}

output "cluster_version" {
  description = "Kubernetes minor version of the control plane (the cluster-autoscaler image follows it)."
  value       = module.eks.cluster_version
}

output "node_group_names" {
  description = "Managed node group names keyed by role (app, model); the autoscaler discovers them by tag."
  value       = module.eks.node_group_names
}

output "export_role_arn" {
  description = "IRSA role for relnotes/relnotes-export: s3:PutObject into the docs bucket (the export CronJob's service account)."
  value       = module.irsa.role_arns["export"]
}

output "cluster_autoscaler_role_arn" {
  description = "IRSA role for kube-system/cluster-autoscaler."
  value       = module.irsa.role_arns["cluster_autoscaler"]
}

output "helm_values" {
  description = "Helm values (YAML) per controller: aws_load_balancer_controller, external_secrets, cluster_autoscaler (cluster name, region, VPC ID, role ARNs)."
  value       = local.helm_values
}
