# The manifests' aws overlay contract (scripts/aws-params.sh): exactly these names,
# passed through from modules/stack, where they are described in full.

output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = module.stack.cluster_name
}

output "region" {
  description = "AWS region of the environment."
  value       = module.stack.region
}

output "ecr_repository_url" {
  description = "ECR repository URL for the relnotes images."
  value       = module.stack.ecr_repository_url
}

output "operator_role_arn" {
  description = "IRSA role for relnotes/relnotes-operator."
  value       = module.stack.operator_role_arn
}

output "model_service_role_arn" {
  description = "IRSA role for relnotes/relnotes-model-service."
  value       = module.stack.model_service_role_arn
}

output "view_role_arn" {
  description = "IRSA role for relnotes/relnotes-view."
  value       = module.stack.view_role_arn
}

output "alb_controller_role_arn" {
  description = "IRSA role for kube-system/aws-load-balancer-controller."
  value       = module.stack.alb_controller_role_arn
}

output "external_secrets_role_arn" {
  description = "IRSA role for relnotes/relnotes-secret-store (the SecretStore's own account)."
  value       = module.stack.external_secrets_role_arn
}

output "rds_endpoint" {
  description = "Postgres host name."
  value       = module.stack.rds_endpoint
}

output "rds_port" {
  description = "Postgres port."
  value       = module.stack.rds_port
}

output "rds_database_name" {
  description = "Postgres database name."
  value       = module.stack.rds_database_name
}

output "rds_master_secret_arn" {
  description = "ARN of the RDS-managed master credentials secret."
  value       = module.stack.rds_master_secret_arn
}

output "redis_primary_endpoint" {
  description = "Redis primary endpoint host name (TLS)."
  value       = module.stack.redis_primary_endpoint
}

output "redis_port" {
  description = "Redis port."
  value       = module.stack.redis_port
}

output "redis_auth_secret_arn" {
  description = "ARN of the Redis AUTH token secret."
  value       = module.stack.redis_auth_secret_arn
}

output "openai_secret_arn" {
  description = "ARN of the OpenAI API key secret (value set outside Terraform)."
  value       = module.stack.openai_secret_arn
}

output "acm_certificate_arn" {
  description = "ACM certificate for the view Ingress (alb.ingress.kubernetes.io/certificate-arn)."
  value       = module.stack.acm_certificate_arn
}

output "view_hostname" {
  description = "Host name of the view (Ingress host)."
  value       = module.stack.view_hostname
}

output "docs_bucket_name" {
  description = "Docs bucket name."
  value       = module.stack.docs_bucket_name
}

# Bring-up values (terraform/README.md, "From apply to kubectl get rn");
# the overlay does not read these.

output "vpc_id" {
  description = "VPC of the cluster (the AWS Load Balancer Controller's vpcId)."
  value       = module.stack.vpc_id
}

output "cluster_endpoint" {
  description = "Private URL of the Kubernetes API (reachable from inside the VPC)."
  value       = module.stack.cluster_endpoint
}

output "cluster_version" {
  description = "Kubernetes minor version of the control plane."
  value       = module.stack.cluster_version
}

output "node_group_names" {
  description = "Managed node group names keyed by role (app, model)."
  value       = module.stack.node_group_names
}

output "export_role_arn" {
  description = "IRSA role for relnotes/relnotes-export (docs export CronJob)."
  value       = module.stack.export_role_arn
}

output "cluster_autoscaler_role_arn" {
  description = "IRSA role for kube-system/cluster-autoscaler."
  value       = module.stack.cluster_autoscaler_role_arn
}

output "helm_values" {
  description = "Helm values (YAML) per controller: aws_load_balancer_controller, external_secrets, cluster_autoscaler."
  value       = module.stack.helm_values
}
