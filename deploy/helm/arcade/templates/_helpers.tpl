{{/* Labels on every object of the chart. */}}
{{- define "arcade.labels" -}}
app.kubernetes.io/name: arcade
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The IRSA annotation of a service account, when its role is given. */}}
{{- define "arcade.irsa" -}}
{{- if . }}
annotations:
  eks.amazonaws.com/role-arn: {{ . | quote }}
{{- end }}
{{- end -}}
