# certs.sh: sourced by the cert and renew tests. Makes real certificates
# with the openssl tool: a test CA named "Apple iPhone Device CA" (the
# push identity's issuer, field-guide.md 8.2) and leaves with any
# validity, and writes keychains in the layout that
# `security find-certificate -a -p -Z` prints (8.1).
CERTS=$TMP/certs
mkdir -p "$CERTS/db"
: > "$CERTS/db/index"
echo 1000 > "$CERTS/db/serial"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/C=US/O=Apple Inc./OU=Apple iPhone/CN=Apple iPhone Device CA" \
	-keyout "$CERTS/ca.key" -out "$CERTS/ca.pem" 2>/dev/null
cat > "$CERTS/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
database = $CERTS/db/index
serial = $CERTS/db/serial
new_certs_dir = $CERTS/db
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
CNF

day() { date -u -d "$1 days" +%Y%m%d%H%M%SZ; }

# leaf NAME FROM_DAYS TO_DAYS: valid from now+FROM to now+TO (days)
leaf() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-subj "/CN=$1" -keyout "$CERTS/$1.key" -out "$CERTS/$1.csr" 2>/dev/null
	openssl ca -batch -config "$CERTS/ca.cnf" -cert "$CERTS/ca.pem" \
		-keyfile "$CERTS/ca.key" -in "$CERTS/$1.csr" -out "$CERTS/$1.pem" \
		-notext -startdate "$(day "$2")" -enddate "$(day "$3")" 2>/dev/null
}

# keychain PEM...: what security prints for these certificates
keychain() {
	for p in "$@"; do
		echo "SHA-256 hash: $(openssl x509 -in "$p" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')"
		echo "SHA-1 hash: $(openssl x509 -in "$p" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')"
		cat "$p"
	done
}
