{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "spool.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name used as the prefix of every object. */}}
{{- define "spool.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "spool.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spool.labels" -}}
helm.sh/chart: {{ include "spool.chart" . }}
app.kubernetes.io/name: {{ include "spool.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: spool
{{- end }}

{{/* Selector labels of one component (operator or agent). Call with (dict "root" $ "component" "operator"). */}}
{{- define "spool.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spool.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "spool.componentLabels" -}}
{{ include "spool.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "spool.operatorServiceAccountName" -}}
{{- if .Values.serviceAccounts.operator.create }}
{{- default (printf "%s-operator" (include "spool.fullname" .)) .Values.serviceAccounts.operator.name }}
{{- else }}
{{- default "default" .Values.serviceAccounts.operator.name }}
{{- end }}
{{- end }}

{{- define "spool.agentServiceAccountName" -}}
{{- if .Values.serviceAccounts.agent.create }}
{{- default (printf "%s-agent" (include "spool.fullname" .)) .Values.serviceAccounts.agent.name }}
{{- else }}
{{- default "default" .Values.serviceAccounts.agent.name }}
{{- end }}
{{- end }}

{{/* An image reference: [registry/]repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "spool.image" -}}
{{- $registry := .root.Values.image.registry -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end }}
