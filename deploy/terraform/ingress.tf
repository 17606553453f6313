# TLS ingress: an internet-facing ALB with the ACM certificate (TLS 1.2 and
# 1.3 only), HTTP redirected to HTTPS, AWS WAF managed rules in front, and
# JupyterHub's proxy behind it on a NodePort of the system node group.

locals {
  public_subnet_ids = local.create_vpc ? module.network[0].public_subnet_ids : var.existing_public_subnet_ids
}

resource "aws_security_group" "alb" {
  name        = "${var.name}-hub-alb"
  description = "JupyterHub load balancer: HTTPS (and HTTP, redirected) from users"
  vpc_id      = local.vpc_id

  ingress {
    description = "HTTPS from users"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTP, answered only with a redirect to HTTPS"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  #checkov:skip=CKV_AWS_260:port 80 only redirects to HTTPS (listener "http" below); users type the host name without https://

  egress {
    description = "To JupyterHub's proxy on the nodes"
    from_port   = var.hub_node_port
    to_port     = var.hub_node_port
    protocol    = "tcp"
    cidr_blocks = [local.create_vpc ? var.vpc_cidr : data.aws_vpc.existing[0].cidr_block]
  }
}

data "aws_vpc" "existing" {
  count = local.create_vpc ? 0 : 1
  id    = var.existing_vpc_id
}

resource "aws_security_group_rule" "nodes_from_alb" {
  description              = "JupyterHub's proxy NodePort from the load balancer"
  type                     = "ingress"
  security_group_id        = module.eks.node_security_group_id
  source_security_group_id = aws_security_group.alb.id
  from_port                = var.hub_node_port
  to_port                  = var.hub_node_port
  protocol                 = "tcp"
}

resource "aws_lb" "hub" {
  name                       = "${var.name}-hub"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = local.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = true
  idle_timeout               = 3600 # notebook websockets stay open
  #checkov:skip=CKV_AWS_91:ELB writes access logs only to SSE-S3 buckets and every bucket here uses the customer KMS key; WAF logs (below) record each request
}

resource "aws_lb_target_group" "hub" {
  name        = "${var.name}-hub"
  port        = var.hub_node_port
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = local.vpc_id

  health_check {
    path    = "/hub/health"
    matcher = "200"
  }
}

resource "aws_autoscaling_attachment" "hub" {
  #checkov:skip=CKV2_AWS_15:the Auto Scaling group belongs to the EKS managed node group, which sets its health checks; the target group's health check watches the hub
  autoscaling_group_name = module.eks.node_group_asgs["system"]
  lb_target_group_arn    = aws_lb_target_group.hub.arn
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.hub.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.hub.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.hub.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_wafv2_web_acl" "hub" {
  name  = "${var.name}-hub"
  scope = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesCommonRuleSet"
        vendor_name = "AWS"
        # Saving a notebook sends a large JSON body: counted, not blocked.
        rule_action_override {
          name = "SizeRestrictions_BODY"
          action_to_use {
            count {}
          }
        }
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  # Includes the Log4j (CVE-2021-44228) lookups.
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 2
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesAmazonIpReputationList"
    priority = 3
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesAmazonIpReputationList"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  # Counted, not blocked: users behind VPNs and cloud desktops come from such addresses.
  rule {
    name     = "AWSManagedRulesAnonymousIpList"
    priority = 4
    override_action {
      count {}
    }
    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesAnonymousIpList"
        vendor_name = "AWS"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-anonymous-ip"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-hub"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "hub" {
  resource_arn = aws_lb.hub.arn
  web_acl_arn  = aws_wafv2_web_acl.hub.arn
}

resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}-hub"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.arcade.arn
}

resource "aws_wafv2_web_acl_logging_configuration" "hub" {
  resource_arn            = aws_wafv2_web_acl.hub.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}
