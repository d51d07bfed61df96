// Command portflow is the portflow service: it ports phone numbers into Bandwidth.
//
//	portflow [serve]                       run the service (default)
//	portflow migrate up|down|status|redo   manage the database schema
//	portflow sandbox                       run the Bandwidth sandbox alone (SANDBOX_* settings)
//	portflow demo [--exit]                 run portflow with the sandbox and walk a few port requests
//	portflow healthcheck                   exit 0 when the local server is ready (container HEALTHCHECK)
//	portflow version                       print the version
//
// main is the only place that touches the process (environment, signals, exit code); everything
// else happens in run, which tests call directly to start a real server on port 0.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/portflow/portflow/internal/config"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		var cfgErr *config.Error
		if errors.As(err, &cfgErr) {
			for _, p := range cfgErr.Problems {
				fmt.Fprintln(os.Stderr, "portflow: config:", p)
			}
		} else {
			fmt.Fprintln(os.Stderr, "portflow:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage: portflow [serve] | migrate up|down|status|redo | sandbox | demo [--exit] | healthcheck | version`

// run executes one portflow command. ctx ending means "shut down gracefully".
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		if len(args) > 0 {
			return fmt.Errorf("serve takes no arguments; configuration comes from the environment\n%s", usage)
		}
		return serve(ctx, getenv, stdout)
	case "migrate":
		return migrate(ctx, args, getenv, stdout)
	case "sandbox":
		return runSandbox(ctx, args, getenv, stdout)
	case "demo":
		return runDemo(ctx, args, getenv, stdout)
	case "healthcheck":
		return healthcheck(ctx, getenv)
	case "version", "--version", "-v":
		_, err := fmt.Fprintln(stdout, "portflow", version)
		return err
	case "help", "--help", "-h":
		_, err := fmt.Fprintln(stdout, usage)
		return err
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

// healthcheck asks the server on PORTFLOW_HTTP_ADDR (on loopback) whether it is ready. Distroless
// images have no curl, so the binary checks itself.
func healthcheck(ctx context.Context, getenv func(string) string) error {
	addr := getenv("PORTFLOW_HTTP_ADDR")
	if addr == "" {
		addr = config.DefaultHTTPAddr
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("PORTFLOW_HTTP_ADDR %q: %w", addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: /readyz answered %d", resp.StatusCode)
	}
	return nil
}
