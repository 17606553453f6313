// Command argo-validate checks Argo manifests offline with Argo's own
// validation code (github.com/argoproj/argo-workflows/v4, pinned in go.mod).
// `arcade schedule lint` runs it after its own checks, and the bridge runs it
// on every manifest it generates before sending it.
//
// It reads the files named on the command line (several documents each),
// decodes every document strictly (an unknown or duplicate field is an
// error, as `argo lint` does by default), resolves workflowTemplateRef and
// templateRef only against the WorkflowTemplates and ClusterWorkflowTemplates
// among the given files (no cluster is contacted), and validates Workflows,
// WorkflowTemplates, ClusterWorkflowTemplates and CronWorkflows.
//
// Output: a JSON list of {"file", "kind", "name", "message"}, empty when
// every document is valid. Exit status: 0 valid, 1 findings, 2 usage or I/O.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/workflow/common"
	"github.com/argoproj/argo-workflows/v4/workflow/templateresolution"
	"github.com/argoproj/argo-workflows/v4/workflow/validate"
	"sigs.k8s.io/yaml"
)

type finding struct {
	File    string `json:"file"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// templates holds the WorkflowTemplates of one namespace found in the files.
type templates struct {
	namespace string
	byName    map[string]*wfv1.WorkflowTemplate
}

func (t *templates) Get(_ context.Context, name string) (*wfv1.WorkflowTemplate, error) {
	if found, ok := t.byName[name]; ok {
		return found, nil
	}
	return nil, fmt.Errorf("WorkflowTemplate %q is not among the files given (namespace %q)", name, t.namespace)
}

type clusterTemplates map[string]*wfv1.ClusterWorkflowTemplate

func (c clusterTemplates) Get(_ context.Context, name string) (*wfv1.ClusterWorkflowTemplate, error) {
	if found, ok := c[name]; ok {
		return found, nil
	}
	return nil, fmt.Errorf("ClusterWorkflowTemplate %q is not among the files given", name)
}

type catalog struct {
	namespaces map[string]*templates
	cluster    clusterTemplates
}

func (c *catalog) in(namespace string) templateresolution.WorkflowTemplateNamespacedGetter {
	if found := c.namespaces[namespace]; found != nil {
		return found
	}
	return &templates{namespace: namespace, byName: map[string]*wfv1.WorkflowTemplate{}}
}

// The separator Argo's own parser splits documents on.
var separator = regexp.MustCompile(`\n---`)

func nameOf(name, generateName string, index int) string {
	if name != "" {
		return name
	}
	if generateName != "" {
		return generateName
	}
	return fmt.Sprintf("document %d", index+1)
}

type file struct {
	path string
	data []byte
}

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		fmt.Fprintln(os.Stderr, "usage: argo-validate FILE...")
		os.Exit(2)
	}
	// Argo's functions log through the context's logger; errors only.
	ctx := logging.WithLogger(context.Background(),
		logging.NewSlogLoggerCustom(logging.Error, logging.Text, os.Stderr))

	files := make([]file, 0, len(os.Args)-1)
	for _, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "argo-validate: %v\n", err)
			os.Exit(2)
		}
		files = append(files, file{path, data})
	}

	findings := []finding{}
	known := &catalog{namespaces: map[string]*templates{}, cluster: clusterTemplates{}}
	// First pass: the templates references may resolve to.
	for _, f := range files {
		for _, parsed := range common.ParseObjects(ctx, f.data, false) {
			if parsed.Err != nil || parsed.Object == nil {
				continue
			}
			switch object := parsed.Object.(type) {
			case *wfv1.WorkflowTemplate:
				ns := known.namespaces[object.Namespace]
				if ns == nil {
					ns = &templates{namespace: object.Namespace, byName: map[string]*wfv1.WorkflowTemplate{}}
					known.namespaces[object.Namespace] = ns
				}
				if _, twice := ns.byName[object.Name]; twice {
					findings = append(findings, finding{f.path, "WorkflowTemplate", object.Name,
						fmt.Sprintf("WorkflowTemplate %q is defined twice", object.Name)})
					continue
				}
				ns.byName[object.Name] = object
			case *wfv1.ClusterWorkflowTemplate:
				if _, twice := known.cluster[object.Name]; twice {
					findings = append(findings, finding{f.path, "ClusterWorkflowTemplate", object.Name,
						fmt.Sprintf("ClusterWorkflowTemplate %q is defined twice", object.Name)})
					continue
				}
				known.cluster[object.Name] = object
			}
		}
	}

	// Second pass: strict decoding and validation of every document.
	checked := 0
	for _, f := range files {
		// Argo's parser only logs the syntax error of a document it cannot read.
		for i, text := range separator.Split(string(f.data), -1) {
			if strings.TrimSpace(text) == "" {
				continue
			}
			var probe map[string]interface{}
			if err := yaml.Unmarshal([]byte(text), &probe); err != nil {
				findings = append(findings, finding{f.path, "", fmt.Sprintf("document %d", i+1), "invalid YAML: " + err.Error()})
			}
		}
		for i, parsed := range common.ParseObjects(ctx, f.data, true) {
			object, err := parsed.Object, parsed.Err
			if object == nil {
				if err != nil {
					findings = append(findings, finding{f.path, "", fmt.Sprintf("document %d", i+1), err.Error()})
				}
				continue
			}
			namespace := object.GetNamespace()
			kind := ""
			switch typed := object.(type) {
			case *wfv1.Workflow:
				kind = "Workflow"
				if err == nil {
					err = validate.ValidateWorkflow(ctx, known.in(namespace), known.cluster, typed, nil, validate.ValidateOpts{Lint: true})
				}
			case *wfv1.WorkflowTemplate:
				kind = "WorkflowTemplate"
				if err == nil {
					err = validate.ValidateWorkflowTemplate(ctx, known.in(namespace), known.cluster, typed, nil, validate.ValidateOpts{Lint: true})
				}
			case *wfv1.ClusterWorkflowTemplate:
				kind = "ClusterWorkflowTemplate"
				if err == nil {
					err = validate.ValidateClusterWorkflowTemplate(ctx, known.in(namespace), known.cluster, typed, nil, validate.ValidateOpts{Lint: true})
				}
			case *wfv1.CronWorkflow:
				kind = "CronWorkflow"
				if err == nil {
					err = validate.ValidateCronWorkflow(ctx, known.in(namespace), known.cluster, typed, nil)
				}
			default:
				continue
			}
			checked++
			if err != nil {
				findings = append(findings, finding{f.path, kind, nameOf(object.GetName(), object.GetGenerateName(), i), err.Error()})
			}
		}
	}
	if checked == 0 && len(findings) == 0 {
		findings = append(findings, finding{"", "", "", "no Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow in the files given"})
	}

	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	if err := out.Encode(findings); err != nil {
		os.Exit(2)
	}
	if len(findings) > 0 {
		os.Exit(1)
	}
}
