output "cluster_name" {
  description = "EKS cluster (aws eks update-kubeconfig --name …)."
  value       = module.eks.cluster_name
}

output "hub_url" {
  description = "Where users sign in (point hub_domain's DNS record at hub_load_balancer_dns)."
  value       = "https://${var.hub_domain}/"
}

output "hub_load_balancer_dns" {
  description = "The ALB's DNS name: the target of hub_domain's CNAME or alias record."
  value       = aws_lb.hub.dns_name
}

output "buckets" {
  description = "Bucket names: artifacts (published notebook versions), lake (Delta tables), athena_results, access_logs."
  value = {
    artifacts      = module.bucket_artifacts.id
    lake           = module.bucket_lake.id
    athena_results = module.bucket_athena_results.id
    access_logs    = module.bucket_access_logs.id
  }
}

output "ecr_repositories" {
  description = "Repository URLs for the notebook, Arc runner and hub images."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "roles" {
  description = "IRSA role ARNs, for the service accounts' eks.amazonaws.com/role-arn annotations in deploy/helm."
  value = {
    notebook           = module.notebook_role.arn
    workflow           = module.workflow_role.arn
    hub                = module.hub_role.arn
    cluster_autoscaler = module.cluster_autoscaler_role.arn
  }
}

output "athena_workgroup" {
  description = "The Athena workgroup previews and jobs use (ARCADE_ATHENA_WORKGROUP)."
  value       = aws_athena_workgroup.arcade.name
}

output "glue_database" {
  description = "The Glue database the jobs register their Delta tables in."
  value       = aws_glue_catalog_database.lake.name
}

output "hub_users_secret" {
  description = "The secret arcade-hub-users writes and the hub reads."
  value       = aws_secretsmanager_secret.hub_users.name
}

output "kms_key_arn" {
  description = "The customer-managed key every bucket, secret, repository and log group uses."
  value       = aws_kms_key.arcade.arn
}

output "ecr_registry" {
  description = "Where deploy/images/build.sh pushes the images: <account>.dkr.ecr.<region>.amazonaws.com/<name>."
  value       = "${split("/", aws_ecr_repository.this["notebook"].repository_url)[0]}/${var.name}"
}

output "helm_settings" {
  description = "What deploy/helm/values_from_terraform.py needs beside the outputs above."
  value = {
    region           = var.region
    namespaces       = var.namespaces
    service_accounts = var.service_accounts
    hub_node_port    = var.hub_node_port
    artifact_prefix  = var.artifact_prefix
    git_token_secret = aws_secretsmanager_secret.git_token.name
  }
}
