package mynah

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const modulePath = "github.com/mynah-speech/mynah"

// allowTable parses the "package  may import" table from doc.go.
func allowTable(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("doc.go")
	if err != nil {
		t.Fatalf("open doc.go: %v", err)
	}
	defer f.Close()
	table := map[string][]string{}
	inTable := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(sc.Text(), "//")
		if !strings.HasPrefix(line, "\t") {
			if inTable {
				break
			}
			continue
		}
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "package" && fields[1] == "may" {
			inTable = true
			continue
		}
		if !inTable || len(fields) < 2 {
			continue
		}
		if fields[1] == "-" {
			table[fields[0]] = nil
		} else {
			table[fields[0]] = fields[1:]
		}
	}
	if len(table) == 0 {
		t.Fatal("doc.go has no layer table")
	}
	return table
}

// matchPattern reports whether the module-relative package rel matches pat.
func matchPattern(pat, rel string) bool {
	if pat == "*" {
		return true
	}
	if base, ok := strings.CutSuffix(pat, "/..."); ok {
		return rel == base || strings.HasPrefix(rel, base+"/")
	}
	return rel == pat
}

// ruleFor returns the most specific table row matching rel.
func ruleFor(table map[string][]string, rel string) (string, []string, bool) {
	best, found := "", false
	for pat := range table {
		if matchPattern(pat, rel) && (!found || len(pat) > len(best) || (len(pat) == len(best) && !strings.HasSuffix(pat, "..."))) {
			best, found = pat, true
		}
	}
	return best, table[best], found
}

func TestLayers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	table := allowTable(t)
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		rel := relative(fields[0])
		pat, allowed, ok := ruleFor(table, rel)
		if !ok {
			t.Errorf("package %q has no row in doc.go's layer table", rel)
			continue
		}
		for _, dep := range fields[1:] {
			if !strings.HasPrefix(dep, modulePath) {
				continue
			}
			depRel := relative(dep)
			if depRel == rel {
				continue
			}
			permitted := false
			for _, a := range allowed {
				if matchPattern(a, depRel) {
					permitted = true
					break
				}
			}
			if !permitted {
				t.Errorf("%s (row %q) imports %s, which the layer table does not allow", rel, pat, depRel)
			}
		}
	}
}

func relative(importPath string) string {
	if importPath == modulePath {
		return "mynah"
	}
	return strings.TrimPrefix(importPath, modulePath+"/")
}
