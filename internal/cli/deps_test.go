package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoServerCode keeps litellm-proxy a small client: it talks
// to the gateway over HTTP only, so it must not link the gateway's
// storage, SQL drivers, authentication or handlers.
func TestBinaryLinksNoServerCode(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	const module = "github.com/litellm-go/gateway"
	out, err := exec.Command(goTool, "list", "-deps", module+"/cmd/litellm-proxy").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := []string{
		module + "/internal/store",
		module + "/internal/server",
		module + "/internal/gateway",
		module + "/internal/admin",
		module + "/internal/auth",
		module + "/internal/catalog",
		module + "/internal/httpapi",
		module + "/internal/config",
		module + "/internal/web",
		"modernc.org/sqlite",
		"github.com/jackc/pgx",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("litellm-proxy links %s", dep)
			}
		}
	}
}
