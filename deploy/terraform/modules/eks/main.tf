# EKS with two managed node groups on Graviton (arm64): on-demand "system"
# (system pods, JupyterHub, notebooks, Argo) and Spot "spark" (several arm64
# types, labelled and tainted for Spark), nodes tagged for the cluster
# autoscaler, secrets encrypted with the customer key, the IAM OIDC provider
# for IRSA.
variable "name" {
  description = "Cluster name."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes version."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's interfaces and the nodes."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "Key for Kubernetes secrets, node volumes and the control plane log group."
  type        = string
}

variable "api_allowed_cidrs" {
  description = "CIDR blocks that may reach the public API endpoint; empty: private only."
  type        = list(string)
}

variable "cluster_admin_arns" {
  description = "IAM principals with cluster-admin."
  type        = list(string)
}

variable "system_instance_types" {
  description = "Graviton types of the on-demand group."
  type        = list(string)
}

variable "system_nodes" {
  description = "Sizes of the on-demand group."
  type        = object({ min = number, desired = number, max = number })
}

variable "spark_instance_types" {
  description = "Graviton types of the Spot group."
  type        = list(string)
}

variable "spark_nodes" {
  description = "Sizes of the Spot group."
  type        = object({ min = number, max = number })
}

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  autoscaler_tags = {
    "k8s.io/cluster-autoscaler/enabled"     = "true"
    "k8s.io/cluster-autoscaler/${var.name}" = "owned"
  }
  node_groups = {
    system = {
      capacity_type  = "ON_DEMAND"
      instance_types = var.system_instance_types
      min            = var.system_nodes.min
      desired        = var.system_nodes.desired
      max            = var.system_nodes.max
      labels         = { "arcade.dev/pool" = "system" }
      taints         = []
    }
    spark = {
      capacity_type  = "SPOT"
      instance_types = var.spark_instance_types
      min            = var.spark_nodes.min
      desired        = var.spark_nodes.min
      max            = var.spark_nodes.max
      labels         = { "arcade.dev/pool" = "spark" }
      taints         = [{ key = "arcade.dev/spark", value = "true", effect = "NO_SCHEDULE" }]
    }
  }
}

data "aws_iam_policy_document" "cluster_trust" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_trust.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${var.name}/cluster"
  retention_in_days = 365
  kms_key_id        = var.kms_key_arn
}

resource "aws_eks_cluster" "this" {
  name     = var.name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = length(var.api_allowed_cidrs) > 0
    public_access_cidrs     = length(var.api_allowed_cidrs) > 0 ? var.api_allowed_cidrs : null
  }

  access_config {
    authentication_mode = "API"
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = var.kms_key_arn
    }
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  depends_on = [aws_iam_role_policy_attachment.cluster, aws_cloudwatch_log_group.cluster]
}

resource "aws_eks_access_entry" "admin" {
  for_each      = toset(var.cluster_admin_arns)
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
}

resource "aws_eks_access_policy_association" "admin" {
  for_each      = toset(var.cluster_admin_arns)
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
  access_scope {
    type = "cluster"
  }
  depends_on = [aws_eks_access_entry.admin]
}

data "tls_certificate" "oidc" {
  url = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

resource "aws_iam_openid_connect_provider" "this" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [data.tls_certificate.oidc.certificates[0].sha1_fingerprint]
}

data "aws_iam_policy_document" "node_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.name}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_trust.json
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
  ])
  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

# IMDSv2 only (one hop: pods cannot borrow the node's role), encrypted root volumes.
resource "aws_launch_template" "node" {
  for_each = local.node_groups
  name     = "${var.name}-${each.key}"

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = each.key == "spark" ? 200 : 100
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-${each.key}" }
  }
}

resource "aws_eks_node_group" "this" {
  for_each        = local.node_groups
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.name}-${each.key}"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  ami_type        = "AL2023_ARM_64_STANDARD"
  capacity_type   = each.value.capacity_type
  instance_types  = each.value.instance_types
  labels          = each.value.labels

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  scaling_config {
    min_size     = each.value.min
    desired_size = each.value.desired
    max_size     = each.value.max
  }

  dynamic "taint" {
    for_each = each.value.taints
    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  update_config {
    max_unavailable = 1
  }

  tags = local.autoscaler_tags

  lifecycle {
    # The cluster autoscaler owns the desired size.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}

output "cluster_name" {
  description = "The cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "The API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider for IRSA."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer" {
  description = "Issuer host and path, for trust policy conditions."
  value       = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

output "node_security_group_id" {
  description = "The cluster security group the nodes use."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "node_group_asgs" {
  description = "Auto Scaling group name of each node group."
  value       = { for k, g in aws_eks_node_group.this : k => g.resources[0].autoscaling_groups[0].name }
}
