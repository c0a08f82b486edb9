variable "name" {
  description = "Prefix of the log group and alarm names, e.g. the runner stack's name."
  type        = string
}

variable "image" {
  description = "netready's image, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/netready:0.1.0 (bash scripts/image.sh builds it)."
  type        = string
}

variable "interval" {
  description = "How often the watch loop checks (netready probe --interval)."
  type        = string
  default     = "5m"

  validation {
    condition     = can(regex("^(([5-9]|[1-9][0-9]+)s|[1-9][0-9]*(m|h))$", var.interval))
    error_message = "interval: at least 5s (netready probe refuses a shorter --interval), e.g. 30s or 5m."
  }
}

variable "execution_role_name" {
  description = "Name of the runner task's execution role: netready's log shipping is allowed on it (netready itself calls no AWS API)."
  type        = string
}

variable "log_retention_days" {
  description = "How long netready's log group keeps its events."
  type        = number
  default     = 30
}

variable "watched_endpoint" {
  description = "host:port of one endpoint to alarm on by itself (null: secretsmanager in this region)."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified when an alarm fires."
  type        = list(string)
  default     = []
}
