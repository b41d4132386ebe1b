package cli

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/cluster"
)

// natsFlags are how a submitter or a worker reaches and authenticates to
// the broker, beside --nats URL (which may hold a token or a user and
// password: nats://TOKEN@host:4222, nats://user:pass@host:4222).
type natsFlags struct {
	Creds   string // --creds: a NATS credentials file
	TLSCA   string // --tls-ca: the CA that signed the broker's certificate
	TLSCert string // --tls-cert: this client's certificate, for brokers that ask for one
	TLSKey  string // --tls-key: its key
}

func (o *natsFlags) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.Creds, "creds", os.Getenv("FANOUT_NATS_CREDS"), "NATS credentials file for --nats (default $FANOUT_NATS_CREDS)")
	f.StringVar(&o.TLSCA, "tls-ca", "", "with --nats: CA certificate (PEM) to verify the broker's TLS certificate")
	f.StringVar(&o.TLSCert, "tls-cert", "", "with --nats: client certificate (PEM), for a broker that asks for one")
	f.StringVar(&o.TLSKey, "tls-key", "", "with --nats: the client certificate's key (PEM)")
}

// options returns the connection options the flags ask for.
func (o *natsFlags) options() ([]nats.Option, error) {
	var opts []nats.Option
	if o.Creds != "" {
		if _, err := os.Stat(o.Creds); err != nil {
			return nil, Usagef("usage: --creds: %v", err)
		}
		opts = append(opts, nats.UserCredentials(o.Creds))
	}
	if o.TLSCA != "" {
		opts = append(opts, nats.RootCAs(o.TLSCA))
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, Usagef("usage: --tls-cert and --tls-key go together")
	}
	if o.TLSCert != "" {
		opts = append(opts, nats.ClientCert(o.TLSCert, o.TLSKey))
	}
	return opts, nil
}

// redact returns a broker URL without its credentials, for messages.
func redact(raw string) string { return cluster.Redact(raw) }

// readToken reads a token from a file: its first line.
func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", Usagef("usage: --auth-token-file: %v", err)
	}
	tok, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", Usagef("usage: --auth-token-file %s is empty", path)
	}
	return tok, nil
}

// readUsers reads "name:password" lines; blank lines and # comments are
// skipped.
func readUsers(path string) ([]cluster.User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Usagef("usage: --auth-users: %v", err)
	}
	defer f.Close()
	var users []cluster.User
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, pw, ok := strings.Cut(line, ":")
		if !ok || name == "" || pw == "" {
			return nil, Usagef("usage: --auth-users %s: line %d: want name:password", path, n)
		}
		users = append(users, cluster.User{Name: name, Password: pw})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(users) == 0 {
		return nil, Usagef("usage: --auth-users %s holds no users", path)
	}
	return users, nil
}
