output "role_arns" {
  description = "IRSA role ARNs keyed by role: operator, model_service, view, export, alb_controller, external_secrets, cluster_autoscaler, vpc_cni, ebs_csi."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}

output "role_names" {
  description = "IRSA role names keyed like role_arns."
  value       = { for k, r in aws_iam_role.this : k => r.name }
}

output "service_accounts" {
  description = "namespace/name of the service account each role trusts, keyed like role_arns (annotate these with eks.amazonaws.com/role-arn)."
  value       = local.service_accounts
}
