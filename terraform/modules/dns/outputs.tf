output "zone_id" {
  description = "ID of the hosted zone (created or looked up)."
  value       = local.zone_id
}

output "name_servers" {
  description = "Name servers of the hosted zone (delegate to these when the zone was created)."
  value       = local.zone_name_servers
}

output "view_hostname" {
  description = "Host name of the view."
  value       = var.view_hostname
}

output "view_record_fqdns" {
  description = "FQDNs of the view records that exist (empty until an ALB is given)."
  value       = distinct(concat([for r in aws_route53_record.view : r.fqdn], [for r in aws_route53_record.view_weighted : r.fqdn]))
}
