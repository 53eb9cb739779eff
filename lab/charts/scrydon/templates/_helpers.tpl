{{- define "scrydon.tag" -}}
{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- define "scrydon.image" -}}
{{ printf "%s/%s:%s" .root.Values.image.registry .name (include "scrydon.tag" .root) | quote }}
{{- end }}

{{- define "scrydon.ns" -}}
{{ .ns | default .root.Values.namespaces.platform | default .root.Release.Namespace }}
{{- end }}

{{- define "scrydon.labels" -}}
app.kubernetes.io/name: scrydon
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
app.kubernetes.io/version: {{ include "scrydon.tag" .root | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "scrydon.dbEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.database.existingSecret }}
      key: {{ .key }}
{{- end }}
