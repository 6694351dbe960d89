# apns.sh: sourced by the renew tests. A TCP listener on loopback stands
# in for Apple's push service (no test ever leaves this machine), and a
# port nobody listens on for "no network".
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
s.settimeout(120)
t = time.time()
while time.time() - t < 120:
    try: c, _ = s.accept(); c.close()
    except socket.timeout: break
' > "$TMP/apns.port" &
BG_PIDS="$BG_PIDS $!"
while [ ! -s "$TMP/apns.port" ]; do sleep 0.05; done
APNS=127.0.0.1:$(cat "$TMP/apns.port")
CLOSED=127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# record URL: the activation record macOS caches after a DEP check
cached_record() {
	mkdir -p "$ROOT/private/var/db/ConfigurationProfiles/Settings"
	python3 -c '
import plistlib, sys
plistlib.dump({"ConfigurationURL": sys.argv[1], "OrganizationName": "Springfield Public Schools",
               "IsMandatory": True}, open(sys.argv[2], "wb"))' "$1" \
		"$ROOT/private/var/db/ConfigurationProfiles/Settings/.cloudConfigRecordFound"
}
