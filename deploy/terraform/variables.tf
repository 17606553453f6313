variable "name" {
  description = "Prefix of every resource's name (the cluster, buckets, roles): lower-case letters, digits and '-'."
  type        = string
  default     = "arcade"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2 to 21 lower-case letters, digits or '-', starting with a letter."
  }
}

variable "region" {
  description = "AWS region for everything (Graviton instances, Athena and EKS must be offered there)."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "existing_vpc_id" {
  description = "Use this VPC instead of creating one (its private subnets are given in existing_private_subnet_ids). Empty: create a VPC."
  type        = string
  default     = ""

  validation {
    condition     = var.existing_vpc_id == "" || can(regex("^vpc-[0-9a-f]{8,17}$", var.existing_vpc_id))
    error_message = "existing_vpc_id must be empty or a VPC id (vpc-…)."
  }
}

variable "existing_private_subnet_ids" {
  description = "Private subnets (at least two, in different zones) of existing_vpc_id for the cluster and the VPC endpoints."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.existing_private_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "existing_private_subnet_ids must hold subnet ids (subnet-…)."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC created when existing_vpc_id is empty."
  type        = string
  default     = "10.42.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR block of /20 or larger."
  }
}

variable "availability_zone_count" {
  description = "How many availability zones the created VPC spans (a private and a public subnet in each)."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 4
    error_message = "availability_zone_count must be 2, 3 or 4."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (a version EKS supports in standard support)."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.(3[2-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be 1.32 or later, written like 1.34."
  }
}

variable "cluster_admin_arns" {
  description = "IAM principals (roles or users) given cluster-admin access to the EKS API."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.cluster_admin_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", a))])
    error_message = "cluster_admin_arns must hold IAM role or user ARNs."
  }
}

variable "api_allowed_cidrs" {
  description = "CIDR blocks that may reach the EKS API endpoint from outside the VPC; empty keeps the endpoint private."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.api_allowed_cidrs : can(cidrnetmask(c)) && c != "0.0.0.0/0"])
    error_message = "api_allowed_cidrs must be CIDR blocks, and not 0.0.0.0/0."
  }
}

variable "system_instance_types" {
  description = "Graviton (arm64) instance types of the on-demand node group for system pods, JupyterHub, notebooks and Argo."
  type        = list(string)
  default     = ["m7g.xlarge"]

  validation {
    condition     = length(var.system_instance_types) > 0 && alltrue([for t in var.system_instance_types : can(regex("^[a-z]+[0-9]+g[a-z]*\\.", t))])
    error_message = "system_instance_types must be Graviton types (the family ends in g, e.g. m7g.xlarge, c8gd.2xlarge)."
  }
}

variable "system_nodes" {
  description = "Minimum, desired and maximum size of the system node group."
  type        = object({ min = number, desired = number, max = number })
  default     = { min = 2, desired = 2, max = 6 }

  validation {
    condition     = var.system_nodes.min >= 1 && var.system_nodes.min <= var.system_nodes.desired && var.system_nodes.desired <= var.system_nodes.max
    error_message = "system_nodes must satisfy 1 <= min <= desired <= max."
  }
}

variable "spark_instance_types" {
  description = "Graviton (arm64) instance types of the Spot node group for Spark (several, so Spot capacity is found)."
  type        = list(string)
  default     = ["r7g.2xlarge", "r6g.2xlarge", "m7g.2xlarge", "r8g.2xlarge"]

  validation {
    condition     = length(var.spark_instance_types) >= 2 && alltrue([for t in var.spark_instance_types : can(regex("^[a-z]+[0-9]+g[a-z]*\\.", t))])
    error_message = "spark_instance_types must be at least two Graviton types (the family ends in g)."
  }
}

variable "spark_nodes" {
  description = "Minimum and maximum size of the Spark Spot node group (the cluster autoscaler scales it from min)."
  type        = object({ min = number, max = number })
  default     = { min = 0, max = 20 }

  validation {
    condition     = var.spark_nodes.min >= 0 && var.spark_nodes.min <= var.spark_nodes.max && var.spark_nodes.max >= 1
    error_message = "spark_nodes must satisfy 0 <= min <= max and max >= 1."
  }
}

variable "hub_domain" {
  description = "Host name users open for JupyterHub (served by the ALB with certificate_arn)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.hub_domain))
    error_message = "hub_domain must be a DNS host name such as hub.example.com."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for hub_domain, in region, that the ALB serves (TLS 1.2+)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query limit of data scanned in the Athena workgroup, in bytes (Athena's minimum is 10 MB)."
  type        = number
  default     = 107374182400

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10485760 (10 MB)."
  }
}

variable "athena_results_expiry_days" {
  description = "Days after which Athena query results are deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.athena_results_expiry_days >= 1
    error_message = "athena_results_expiry_days must be at least 1."
  }
}

variable "lake_noncurrent_expiry_days" {
  description = "Days after which replaced versions of lake objects are deleted (current data is kept)."
  type        = number
  default     = 30

  validation {
    condition     = var.lake_noncurrent_expiry_days >= 1
    error_message = "lake_noncurrent_expiry_days must be at least 1."
  }
}

variable "artifact_prefix" {
  description = "Key prefix under which notebooks publish their content-addressed versions in the artifact bucket."
  type        = string
  default     = "arcade"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.artifact_prefix))
    error_message = "artifact_prefix must be lower-case letters, digits and '-'."
  }
}

variable "namespaces" {
  description = "Kubernetes namespaces of JupyterHub and of Argo Workflows (the service accounts the roles trust live there)."
  type        = object({ hub = string, argo = string })
  default     = { hub = "jupyterhub", argo = "argo" }
}

variable "service_accounts" {
  description = "Names of the Kubernetes service accounts the IAM roles are bound to (one each)."
  type        = object({ notebook = string, workflow = string, hub = string })
  default     = { notebook = "arcade-notebook", workflow = "arcade-workflow", hub = "hub" }
}

variable "existing_public_subnet_ids" {
  description = "Public subnets of existing_vpc_id for the load balancer (at least two zones). Ignored when a VPC is created."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.existing_public_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "existing_public_subnet_ids must hold subnet ids (subnet-…)."
  }
}

variable "hub_node_port" {
  description = "NodePort of JupyterHub's proxy-public service (deploy/helm sets the same) that the load balancer forwards to."
  type        = number
  default     = 30080

  validation {
    condition     = var.hub_node_port >= 30000 && var.hub_node_port <= 32767
    error_message = "hub_node_port must be in Kubernetes' NodePort range 30000-32767."
  }
}
