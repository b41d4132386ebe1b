package cluster

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// applyAuth puts cfg's token, users and TLS into the server options.
func applyAuth(o *server.Options, cfg ServerConfig) error {
	if cfg.Token != "" && len(cfg.Users) > 0 {
		return fmt.Errorf("cluster: a token and users cannot be used together")
	}
	if cfg.Token != "" {
		o.Authorization = cfg.Token
	}
	for _, u := range cfg.Users {
		if u.Name == "" || u.Password == "" {
			return fmt.Errorf("cluster: user %q: a name and a password are needed", u.Name)
		}
		o.Users = append(o.Users, &server.User{Username: u.Name, Password: u.Password})
	}
	if cfg.TLSCert != "" || cfg.TLSKey != "" {
		tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: cfg.TLSCert, KeyFile: cfg.TLSKey, CaFile: cfg.TLSCA, Verify: cfg.TLSCA != ""})
		if err != nil {
			return fmt.Errorf("cluster: TLS: %w", err)
		}
		o.TLSConfig, o.TLS, o.TLSVerify = tc, true, cfg.TLSCA != ""
		o.TLSTimeout = 5
	} else if cfg.TLSCA != "" {
		return fmt.Errorf("cluster: a TLS CA needs the server's own certificate and key too")
	}
	return nil
}

// hasAuth reports whether clients must authenticate.
func hasAuth(o *server.Options) bool {
	return o.Authorization != "" || len(o.Users) > 0 || len(o.Nkeys) > 0 ||
		len(o.TrustedOperators) > 0 || len(o.TrustedKeys) > 0 || o.AuthCallout != nil ||
		(o.TLSVerify && o.TLSConfig != nil)
}

// isLoopback reports whether host is a loopback address; host names other
// than localhost are not looked up and count as not loopback.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redact returns a broker URL with any credentials in it replaced, for
// messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("REDACTED")
	return u.String()
}

// taskToken is what a result must carry to be taken as the answer to the
// task seq of this run: a MAC of the run and the task under a key only the
// submitter knows, so that a worker can answer only the tasks it was given.
func taskToken(key []byte, run, seq string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(run + "." + seq))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
