//! Word lists that decide, around a candidate, whether a capitalised word is a person.
//! All entries are lower case; single words unless said otherwise.

/// Products, tools, languages, services and companies that share a name (or a name's shape) with
/// people, months and days, places, and words of the sharing vocabulary: never a person alone.
pub(super) const NOT_PEOPLE: &[&str] = &[
    // Tools, products, languages and services.
    "jenkins", "ruby", "kafka", "grafana", "ansible", "jupyter", "hadoop", "terraform", "django", "flask",
    "jira", "alexa", "siri", "cortana", "cassandra", "oracle", "hugo", "mercurial", "sentry", "harbor", "vault",
    "consul", "nomad", "jaeger", "kibana", "logstash", "loki", "thanos", "argo", "helm", "flux", "zabbix",
    "nagios", "docker", "debian", "ubuntu", "fedora", "arch", "gentoo", "rancher", "lambda", "athena", "aurora",
    "cloudflare", "okta", "auth0", "duo", "splunk", "elastic", "datadog", "pagerduty", "opsgenie", "heroku",
    "vercel", "netlify", "mailchimp", "sendgrid", "twilio", "stripe", "shopify", "julia", "ada", "pascal",
    "perl", "python", "rust", "go", "scala", "kotlin", "swift", "dart", "elm", "erlang", "elixir", "crystal",
    "haskell", "clojure", "lua", "nim", "zig", "java", "groovy", "maven", "gradle", "bazel", "sonar",
    "sonarqube", "nexus", "artifactory", "jfrog", "puppet", "chef", "salt", "saltstack", "vagrant", "packer",
    "boundary", "waypoint", "vaultwarden", "bitwarden", "lastpass", "keepass", "dashlane", "onepassword",
    "nginx", "apache", "tomcat", "jetty", "envoy", "istio", "linkerd", "traefik", "caddy", "haproxy", "varnish",
    "squid", "redis", "memcached", "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongo", "couchdb",
    "neo4j", "elasticsearch", "opensearch", "solr", "lucene", "clickhouse", "snowflake", "databricks", "spark",
    "flink", "storm", "airflow", "dagster", "prefect", "luigi", "celery", "sidekiq", "resque", "rabbitmq",
    "zookeeper", "etcd", "coredns", "bind", "unbound", "dnsmasq", "kubernetes", "k8s", "openshift", "nomad",
    "prometheus", "alertmanager", "victoriametrics", "tempo", "mimir", "cortex", "jaeger", "zipkin", "honeycomb",
    "newrelic", "dynatrace", "appdynamics", "sumo", "graylog", "fluentd", "fluentbit", "vector", "filebeat",
    "beats", "wazuh", "ossec", "suricata", "snort", "zeek", "osquery", "falco", "trivy", "grype", "snyk",
    "dependabot", "renovate", "semgrep", "codeql", "gitleaks", "trufflehog", "sigma", "yara", "misp", "opencti",
    "thehive", "cortex", "shuffle", "tines", "crowdstrike", "falcon", "sentinelone", "defender", "sentinel",
    "carbon", "cylance", "sophos", "mcafee", "trellix", "symantec", "norton", "kaspersky", "bitdefender", "eset",
    "avast", "malwarebytes", "tenable", "nessus", "qualys", "rapid7", "metasploit", "burp", "nmap", "wireshark",
    "tcpdump", "mimikatz", "bloodhound", "cobalt", "sliver", "havoc", "empire", "responder", "hashcat", "gophish", "zscaler", "netskope", "palo", "fortinet", "fortigate", "checkpoint", "juniper", "cisco",
    "meraki", "aruba", "ubiquiti", "mikrotik", "arista", "f5", "akamai", "fastly", "imperva", "incapsula",
    "github", "gitlab", "bitbucket", "gitea", "gerrit", "phabricator", "confluence", "trello", "asana", "notion",
    "slack", "teams", "zoom", "webex", "discord", "mattermost", "rocket", "matrix", "element", "signal",
    "telegram", "whatsapp", "outlook", "exchange", "gmail", "office", "sharepoint", "onedrive", "dropbox", "box",
    "workday", "salesforce", "servicenow", "zendesk", "freshdesk", "hubspot", "marketo", "intercom", "segment",
    "amplitude", "mixpanel", "looker", "tableau", "metabase", "superset", "redash", "excel", "word", "powerpoint",
    "windows", "linux", "macos", "ios", "android", "chrome", "chromium", "firefox", "safari", "edge", "opera",
    "brave", "electron", "node", "deno", "bun", "npm", "yarn", "pnpm", "pip", "conda", "cargo", "homebrew",
    "react", "angular", "vue", "svelte", "ember", "backbone", "jquery", "next", "nuxt", "gatsby", "jekyll",
    "zola", "astro", "remix", "rails", "laravel", "symfony", "spring", "quarkus", "micronaut", "express",
    "fastapi", "pydantic", "numpy", "pandas", "pytorch", "tensorflow", "keras", "jax", "llama", "claude",
    "gemini", "copilot", "cursor", "bard", "watson", "einstein", "tesla", "ford", "dell", "lenovo", "asus",
    "acer", "hp", "ibm", "intel", "amd", "nvidia", "arm", "qualcomm", "broadcom", "vmware", "citrix",
    "nutanix", "veeam", "rubrik", "cohesity", "commvault", "veritas", "netapp", "pure", "hitachi", "fujitsu",
    "siemens", "philips", "bosch", "honeywell", "rockwell", "emerson", "abb", "mitsubishi",
    "samsung", "sony", "panasonic", "toshiba", "huawei", "xiaomi", "oppo", "vivo", "nokia", "ericsson",
    "motorola", "apple", "google", "microsoft", "amazon", "aws", "azure", "gcp", "meta", "facebook",
    "instagram", "twitter", "linkedin", "reddit", "youtube", "netflix", "spotify", "uber", "lyft", "airbnb",
    "paypal", "venmo", "square", "visa", "mastercard", "amex", "adyen", "klarna", "revolut", "monzo", "wise",
    "deloitte", "kpmg", "pwc", "accenture", "mckinsey", "gartner", "forrester", "mandiant", "unit42", "talos",
    "wells", "fargo", "barclays", "lloyds", "hsbc", "santander", "citi", "citibank", "chase", "jpmorgan",
    "disney", "walmart", "target", "costco", "kroger", "mcdonald", "starbucks", "nike", "adidas", "porsche",
    "ferrari", "toyota", "honda", "nissan", "mazda", "subaru", "volvo", "saab", "boeing", "airbus", "lockheed",
    "raytheon", "okta", "ping", "onelogin", "keycloak", "authelia", "dex", "hydra", "kratos", "gluu", "shibboleth",
    "openvpn", "wireguard", "tailscale", "zerotier", "ipsec", "strongswan", "openssl", "boringssl", "letsencrypt",
    "certbot", "acme", "digicert", "sectigo", "entrust", "globalsign", "godaddy", "namecheap", "route53",
    "cloudfront", "cloudwatch", "cloudtrail", "guardduty", "inspector", "macie", "glue", "kinesis", "redshift",
    "dynamodb", "bigquery", "bigtable", "spanner", "firestore", "firebase", "supabase", "planetscale", "neon",
    "fly", "render", "railway", "digitalocean", "linode", "vultr", "hetzner", "ovh", "scaleway", "backblaze",
    "wasabi", "minio", "ceph", "gluster", "longhorn", "portworx", "velero", "kasten", "restic", "borg", "kopia",
    "duplicati", "rsync", "rclone", "syncthing", "nextcloud", "owncloud", "seafile", "jellyfin", "plex",
    "pihole", "adguard", "quad9", "opendns", "umbrella", "hugo", "sphinx", "mkdocs", "docusaurus", "mdbook",
    "pagefind", "algolia", "typesense", "meilisearch", "tantivy", "qdrant", "pinecone", "weaviate", "milvus",
    "chroma", "ollama", "vllm", "triton", "kubeflow", "mlflow", "ray", "dask", "polars", "duckdb", "sqlite",
    "hive", "presto", "trino", "impala", "pig", "oozie", "ambari", "cloudera", "hortonworks", "mapr", "nifi",
    "pulsar", "nats", "zeromq", "mosquitto", "emqx", "kong", "tyk", "apigee", "mulesoft", "boomi", "zapier",
    "ifttt", "n8n", "jenkinsfile", "tekton", "spinnaker", "harness", "circleci", "travis", "drone", "buildkite",
    "teamcity", "bamboo", "octopus", "codefresh", "atlantis", "pulumi", "crossplane", "kustomize", "skaffold",
    "tilt", "garden", "lens", "k9s", "rook", "cilium", "calico", "flannel", "weave", "kube", "minikube", "kind",
    "k3s", "microk8s", "eks", "aks", "gke", "ecs", "fargate", "beanstalk", "lightsail", "amplify", "cognito",
    "iam", "kms", "sso", "ldap", "kerberos", "radius", "tacacs", "saml", "oauth", "oidc", "fido", "yubikey",
    "yubico", "titan", "authy", "rsa", "securid", "thales", "gemalto", "hashicorp", "atlassian", "jetbrains",
    "intellij", "pycharm", "vscode", "vim", "emacs", "neovim", "sublime", "eclipse", "netbeans", "xcode",
    "unity", "unreal", "godot", "blender", "figma", "sketch", "canva", "miro", "lucid", "visio", "monday",
    "clickup", "linear", "basecamp", "smartsheet", "airtable", "coda", "quip", "evernote", "obsidian", "roam",
    "logseq", "grammarly", "deepl", "duolingo", "calendly", "docusign", "adobe", "acrobat", "photoshop",
    "lightroom", "illustrator", "premiere", "indesign", "audition", "marketo", "magento", "wordpress", "drupal",
    "joomla", "ghost", "medium", "substack", "patreon", "kickstarter", "indiegogo", "gofundme", "wix",
    "squarespace", "webflow", "bubble", "retool", "appsmith", "budibase", "tooljet", "grafana's", "jenkins'",
    // Documentation placeholders that are not personas.
    "foo", "bar", "baz", "qux", "lorem", "ipsum",
    // Months and days.
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues",
    "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "christmas", "easter", "thanksgiving", "diwali", "eid",
    "ramadan", "hanukkah", "lunar", "halloween",
    // Places.
    "jackson", "phoenix", "austin", "paris", "sydney", "chelsea", "florence", "victoria", "frankfurt", "london",
    "berlin", "dublin", "madrid", "lisbon", "rome", "milan", "vienna", "zurich", "geneva", "amsterdam",
    "brussels", "stockholm", "oslo", "helsinki", "copenhagen", "warsaw", "prague", "budapest", "athens",
    "istanbul", "cairo", "lagos", "nairobi", "accra", "johannesburg", "dubai", "mumbai", "delhi", "bangalore",
    "bengaluru", "chennai", "hyderabad", "pune", "kolkata", "singapore", "tokyo", "osaka", "seoul", "beijing",
    "shanghai", "shenzhen", "taipei", "manila", "jakarta", "bangkok", "hanoi", "toronto", "montreal",
    "vancouver", "ottawa", "chicago", "boston", "seattle", "portland", "denver", "dallas", "houston", "atlanta",
    "miami", "orlando", "virginia", "georgia", "carolina", "dakota", "montana", "nevada", "oregon", "washington",
    "california", "texas", "florida", "ohio", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maryland",
    "michigan", "minnesota", "missouri", "nebraska", "tennessee", "utah", "vermont", "wisconsin", "wyoming",
    "alabama", "alaska", "arizona", "arkansas", "colorado", "connecticut", "delaware", "hawaii", "idaho",
    "illinois", "maine", "massachusetts", "mississippi", "oklahoma", "pennsylvania", "york", "jersey",
    "ireland", "england", "scotland", "wales", "france", "germany", "spain", "italy", "portugal", "india",
    "china", "japan", "korea", "brazil", "mexico", "canada", "australia", "zealand", "nigeria", "kenya",
    "ghana", "egypt", "israel", "turkey", "russia", "ukraine", "poland", "sweden", "norway", "finland",
    "denmark", "iceland", "europe", "asia", "africa", "america", "americas", "emea", "apac", "latam",
    "oceania", "antarctica", "ashburn", "dulles", "reston", "frankfurt", "tacoma", "montgomery", "columbus",
    "charlotte", "madison", "lincoln", "jefferson", "franklin", "clinton", "hamilton", "wellington", "auckland",
    "brisbane", "perth", "adelaide", "melbourne", "darwin", "hobart", "cork", "galway", "belfast", "cardiff",
    "edinburgh", "glasgow", "manchester", "liverpool", "leeds", "bristol", "oxford", "cambridge", "york",
    "santiago", "lima", "bogota", "quito", "caracas", "havana", "kingston", "sofia", "bucharest", "belgrade",
    "zagreb", "ljubljana", "riga", "tallinn", "vilnius", "minsk", "kyiv", "kiev", "moscow", "tbilisi", "yerevan",
    "baku", "tehran", "riyadh", "doha", "muscat", "amman", "beirut", "damascus", "baghdad", "kabul", "karachi",
    "lahore", "dhaka", "colombo", "kathmandu", "hongkong", "macau", "hokkaido", "kyoto", "nagoya", "busan",
    "columbia", "british", "quebec", "ontario", "alberta", "manitoba", "saskatchewan", "bavaria", "catalonia",
    // Words of the sharing vocabulary and personas' roles.
    "amber", "tlp", "red", "green", "clear", "white",
    // Security and operations words that take a capital in prose.
    "root", "admin", "user", "guest", "nobody", "operator", "sre", "devops", "secops", "ciso", "cto", "ceo",
    "cio", "soc", "noc", "csirt", "cert", "ic", "vp", "hr", "it", "qa", "pm", "api", "sdk", "cli", "ui", "ux",
];

/// Documentation personas (Alice and Bob and their cast): people only when alone.
pub(super) const PERSONAS: &[&str] =
    &["alice", "bob", "carol", "carlos", "charlie", "dave", "eve", "mallory", "trent", "peggy", "victor", "trudy",
      "walter", "wendy", "oscar", "sybil", "grace", "heidi", "judy", "olivia", "chuck", "craig", "erin", "frank"];

/// The core cast: when two of them meet in a text, they are personas, not people.
pub(super) const CAST: &[&str] = &["alice", "bob", "carol", "eve", "mallory", "trent", "peggy", "victor", "trudy"];

/// Last words of threat-actor group names ("Fancy Bear", "Volt Typhoon", "Lazarus Group").
pub(super) const GROUP_WORDS: &[&str] = &[
    "bear", "panda", "kitten", "spider", "chollima", "jackal", "tiger", "buffalo", "ocelot", "leopard", "typhoon",
    "blizzard", "sandstorm", "sleet", "tempest", "hail", "flood", "cyclone", "dust", "tsunami", "group", "team",
    "gang", "collective", "syndicate", "crew", "corp", "corporation", "inc", "ltd", "llc", "gmbh", "plc", "ag",
    "sa", "bv", "co", "company", "bank", "labs", "lab", "systems", "networks", "technologies", "software",
    "security", "solutions", "partners", "associates", "capital", "holdings", "group's", "foundation",
    "institute", "university", "college", "school", "hospital", "clinic", "council", "agency", "ministry",
    "department", "office", "bureau", "service", "services", "project", "protocol", "framework", "platform",
    "cloud", "server", "cluster", "engine", "studio", "suite", "pipeline", "dashboard", "console", "portal",
    "city", "town", "county", "province", "state", "district", "street", "road", "avenue", "square",
    "airport", "station", "harbour", "harbor", "port", "island", "islands", "valley", "mountain", "mountains",
    "centre", "center", "building", "campus", "region", "informatics", "operations", "analytics",
    "engineering", "research", "pharmacy", "nursing", "radiology", "medicine", "surgery", "unit", "desk",
    "support",
];

/// Multi-word companies and groups named like people (lower case, single spaces).
pub(super) const NOT_PEOPLE_PHRASES: &[&str] = &[
    "morgan stanley", "johnson & johnson", "wells fargo", "goldman sachs", "ernst & young", "marks & spencer",
    "procter & gamble", "dow jones", "charles schwab", "merrill lynch", "booz allen", "booz allen hamilton",
    "baker mckenzie", "allen & overy", "johnson controls", "hewlett packard", "hewlett-packard",
    "thomson reuters", "arthur andersen", "kaiser permanente", "thermo fisher", "estée lauder", "ralph lauren",
    "tommy hilfiger", "calvin klein", "hugo boss", "louis vuitton", "christian dior", "john deere", "jack henry",
    "edward jones", "raymond james", "t. rowe price", "franklin templeton", "charles river", "lazarus group",
    "fancy bear", "cozy bear", "scattered spider", "charming kitten", "wizard spider", "evil corp",
    "equation group", "shadow brokers", "midnight blizzard", "volt typhoon", "salt typhoon", "star blizzard",
    "san francisco", "los angeles", "new york", "hong kong", "kuala lumpur", "buenos aires", "tel aviv",
    "rio de janeiro", "são paulo", "sao paulo", "cape town", "abu dhabi", "costa rica", "puerto rico",
    "santa clara", "san jose", "san diego", "las vegas", "salt lake city", "st. louis", "saint louis",
    "st louis", "saint petersburg", "palo alto", "palo alto networks", "mountain view", "menlo park",
    "north virginia", "northern virginia", "n. virginia", "new jersey", "new mexico", "new zealand",
    "south africa", "south korea", "north carolina", "south carolina", "west virginia", "rhode island",
    "george washington", "martin luther king", "black friday", "cyber monday", "patch tuesday",
    "schneider electric", "alan turing institute", "ada lovelace", "grace hopper", "let's encrypt", "lets encrypt",
];

/// Titles before a name, which belong to the name's span ("Dr. Amara Okafor").
pub(super) const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "rev", "herr",
    "frau", "mme", "mlle", "monsieur", "madame", "señor", "señora", "sr", "sra", "dott", "judge", "senator",
    "detective", "sergeant", "sgt", "captain", "capt", "colonel", "lieutenant", "chancellor", "mayor",
];

/// Verbs of speech that make the name next to them a person ("Okafor said", "said Okafor").
pub(super) const SPEECH: &[&str] = &[
    "said", "says", "told", "tells", "added", "adds", "explained", "explains", "wrote", "writes", "noted",
    "notes", "confirmed", "confirms", "stated", "states", "commented", "comments", "recalled", "recalls",
    "replied", "replies", "asked", "asks", "warned", "warns", "argued", "argues", "admitted", "admits",
    "acknowledged", "acknowledges", "insisted", "claimed", "claims", "announced", "announces", "tweeted",
    "posted", "responded", "responds", "answered", "emailed", "messaged", "texted", "reported", "reports",
    "recounted", "remembers", "remembered", "explained", "described", "describes", "suggested", "suggests",
    "agreed", "agrees", "disagreed", "thinks", "thought", "believes", "believed", "felt", "feels", "knew",
    "knows", "wondered", "realised", "realized", "joked", "laughed", "sighed", "shouted", "whispered",
];

/// Words before a lone name that make it a person ("according to", "thanks to", "asked", "cc").
pub(super) const BEFORE_PERSON: &[&str] = &[
    "according", "by", "with", "thanks", "thank", "asked", "ask", "told", "tell", "pinged", "ping", "paged",
    "page", "contacted", "contact", "called", "call", "messaged", "emailed", "cc", "cc'd", "cc’d", "and", "or",
    "per", "from", "dear", "hi", "hello", "hey", "congrats", "congratulations", "welcome", "@",
    "assigned", "escalated", "handed", "involving", "joined", "including", "like", "said", "says", "told",
    "sorry", "kudos", "shoutout", "props", "via", "cheers", "regards", "best",
];

/// Words after a lone name that make it a person: auxiliaries and a few verbs that are not
/// past tense by their ending ("Priya is on leave", "Dave will rotate").
pub(super) const AFTER_PERSON: &[&str] = &[
    "is", "was", "has", "had", "will", "would", "can", "could", "should", "must", "might", "did", "does",
    "didn't", "didn’t", "doesn't", "doesn’t", "wasn't", "wasn’t", "isn't", "isn’t", "hasn't", "hasn’t",
    "hadn't", "hadn’t", "won't", "won’t", "wouldn't", "wouldn’t", "couldn't", "couldn’t", "who", "himself",
    "herself", "themselves", "and", "then", "also", "immediately", "quickly", "later", "first", "ran", "wrote",
    "saw", "took", "made", "gave", "broke", "forgot", "left", "got", "went", "came", "found", "thought",
    "knew", "began", "sent", "built", "kept", "led", "met", "paid", "put", "read", "set", "shut", "spent",
    "stood", "understood", "won", "caught", "brought", "told", "said", "spoke", "chose", "drove", "flew",
    "forgave", "hid", "held", "lost", "meant", "rang", "rode", "rose", "sang", "sat", "slept", "stole",
    "swore", "taught", "threw", "tore", "woke", "wore", "did", "undid", "reran", "rebuilt", "overrode",
    "says", "thinks", "wants", "needs", "owns", "leads", "runs", "manages", "handles", "joins", "works",
    "works", "writes", "asks", "takes", "gets", "goes", "knows", "sees", "pushes", "merges", "approves",
    "reviews", "checks", "fixes", "deploys", "rotates", "notices", "notes", "reports", "confirms", "agrees",
    "(", "—", "–",
];

/// Role and team words: an attribution value made of these names no one ("Owner: SRE team").
pub(super) const ROLE_WORDS: &[&str] = &[
    "team", "teams", "engineer", "engineers", "engineering", "eng", "sre", "sres", "ops", "devops", "secops",
    "sysadmin", "sysadmins", "admin", "admins", "administrator", "security", "security-lead", "platform",
    "infra", "infrastructure", "network", "networking", "it", "helpdesk", "support", "dev", "developer",
    "developers", "lead", "leads", "manager", "managers", "management", "on-call", "oncall", "incident",
    "commander", "responder", "responders", "analyst", "analysts", "dba", "dbas", "qa", "legal", "hr",
    "finance", "compliance", "risk", "audit", "privacy", "ciso", "cto", "ceo", "cio", "cfo", "coo", "vp",
    "director", "head", "business-continuity", "continuity", "soc", "noc", "csirt", "cert", "blue", "red",
    "architect", "architects", "officer", "coordinator", "product", "design", "data", "ml", "web", "mobile",
    "backend", "frontend", "release", "build", "automation", "customer", "service", "desk", "everyone",
    "all", "none", "n/a", "na", "tbd", "tba", "unknown", "unassigned", "nobody", "anonymous", "anon", "we",
    "us", "primary", "secondary", "rotation", "shift", "squad", "group", "guild", "chapter", "committee",
    "board", "vendor", "vendors", "contractor", "contractors", "staff", "owner", "owners", "the", "a", "an",
    "of", "on", "and", "for", "our", "my", "your", "their", "its", "to", "be", "determined", "pending",
    "self", "reporter", "author", "authors", "reviewer", "reviewers", "person", "people", "role", "roles",
    "department", "dept", "org", "organisation", "organization", "unit", "function", "office", "desk",
    "operations", "operator", "operators", "technician", "technicians", "intern", "interns", "hire", "new",
    "junior", "senior", "principal", "staff", "chief", "deputy", "acting", "interim", "duty", "week", "weekly",
    "ic", "scribe", "comms", "communications", "liaison", "sme", "expert", "experts", "partner", "partners",
    "client", "clients", "user", "users", "member", "members", "employee", "employees", "personnel", "crew",
    "ext", "tel", "phone", "mobile", "fax", "email", "e-mail", "tbc", "see", "nil", "null", "todo", "call",
];

/// Line labels that exist to name people ("Authors:", "Owner:", "Reported by", "cc:").
pub(super) const ATTRIBUTION_LABELS: &[&str] = &[
    "author", "authors", "author(s)", "owner", "owners", "owner(s)", "reported by", "reporter", "reporters",
    "involved", "people involved", "participants", "attendees", "present", "on call", "on-call", "oncall",
    "on call engineer", "on-call engineer", "incident commander", "incident lead", "cc", "bcc", "approved by",
    "approver", "approvers", "reviewed by", "reviewer", "reviewers", "assignee", "assignees", "assigned to",
    "contact", "contacts", "point of contact", "poc", "responders", "responder", "written by", "prepared by",
    "drafted by", "edited by", "signed", "signed off by", "signed-off-by", "co-authored-by", "from", "to",
    "submitted by", "filed by", "opened by", "raised by", "discovered by", "detected by", "found by",
    "escalated to", "escalated by", "handled by", "investigated by", "scribe", "note taker", "notetaker",
    "facilitator", "moderator", "presenter", "speakers", "speaker", "credits", "thanks to", "acknowledgements",
    "acknowledgments", "maintainer", "maintainers", "requested by", "requester", "requestor", "driver",
    "dri", "directly responsible individual", "accountable", "responsible", "consulted", "informed",
    "posted by", "last edited by", "edited by", "updated by", "created by", "authored by", "committed by",
    "merged by", "tested-by", "reviewed-by", "reported-by", "suggested-by", "helped-by", "acked-by",
    "co-developed-by", "signed-off-by", "co-authored-by", "reply from", "response from", "notes",
    "minutes", "chair", "chaired by", "host", "hosted by", "apologies", "absent", "lead", "leads",
    "incident manager", "comms lead", "communications lead", "technical lead", "tech lead", "assigned",
    "action owner", "owner of record", "who", "by",
];

/// Sign-offs that end a message before the sender's name ("Thanks,\nJane").
pub(super) const SIGN_OFFS: &[&str] = &[
    "thanks", "thank you", "many thanks", "regards", "best", "best regards", "kind regards", "warm regards",
    "warmly", "cheers", "sincerely", "yours", "yours sincerely", "yours truly", "all the best", "br", "ta",
    "respectfully", "with thanks", "talk soon", "take care", "cordially",
];

/// Lowercase words after a capitalised word that make it a thing ("the Aurora cluster", "Athena
/// query"), not a person.
pub(super) const THING_NOUNS: &[&str] = &[
    "cluster", "clusters", "node", "nodes", "server", "servers", "instance", "instances", "database", "db",
    "query", "queries", "job", "jobs", "pipeline", "pipelines", "plugin", "plugins", "agent", "agents", "api",
    "apis", "sdk", "cli", "service", "services", "dashboard", "dashboards", "table", "tables", "bucket",
    "buckets", "config", "configuration", "integration", "integrations", "version", "versions", "release",
    "releases", "deployment", "deployments", "pod", "pods", "container", "containers", "image", "images",
    "build", "builds", "runner", "runners", "worker", "workers", "index", "indices", "indexes", "topic",
    "topics", "broker", "brokers", "stream", "streams", "queue", "queues", "app", "apps", "bot", "bots",
    "model", "models", "library", "libraries", "package", "packages", "module", "modules", "endpoint",
    "endpoints", "console", "portal", "account", "accounts", "tenant", "tenants", "workspace", "workspaces",
    "repo", "repos", "repository", "repositories", "branch", "branches", "script", "scripts", "rule", "rules",
    "policy", "policies", "alert", "alerts", "logs", "log", "metrics", "controller", "controllers", "chart",
    "charts", "provider", "providers", "key", "keys", "token", "tokens", "webhook", "webhooks", "instance's",
    "function", "functions", "lambda", "layer", "role", "roles", "group", "groups", "team", "project",
    "projects", "release", "update", "updates", "upgrade", "patch", "patches", "file", "files", "folder",
    "directory", "disk", "disks", "volume", "volumes", "snapshot", "snapshots", "backup", "backups", "replica",
    "replicas", "shard", "shards", "partition", "partitions", "region", "regions", "zone", "zones", "network",
    "networks", "vpc", "subnet", "subnets", "firewall", "gateway", "proxy", "balancer", "load", "dns", "cdn",
    "cache", "caches", "certificate", "certificates", "cert", "certs", "secret", "secrets", "vault", "store",
    "stores", "registry", "registries", "feed", "feeds", "report", "reports", "ticket", "tickets", "issue",
    "issues", "board", "boards", "page", "pages", "site", "sites", "tool", "tools", "system", "systems",
    "platform", "stack", "framework", "engine", "runtime", "kernel", "driver", "drivers", "firmware",
    "device", "devices", "host", "hosts", "machine", "machines", "vm", "vms", "fleet", "farm", "pool", "pools",
    "rollout", "rollouts", "deploy", "deploys", "task", "tasks", "workflow", "workflows", "action", "actions",
    "step", "steps", "stage", "stages", "check", "checks", "test", "tests", "suite", "scan", "scans", "scanner",
    "monitor", "monitors", "monitoring", "probe", "probes", "exporter", "exporters", "collector", "sink",
    "source", "sources", "connector", "connectors", "adapter", "client", "clients", "extension", "extensions",
    "add-on", "addon", "addons", "theme", "themes", "template", "templates", "schema", "schemas", "migration",
    "migrations", "operator", "operators", "crd", "crds", "manifest", "manifests", "values", "helm", "chart",
    "alarm", "alarms", "event", "events", "trail", "trails", "bus", "ui", "interface", "server's", "outage",
    "incident", "incidents", "license", "licence", "subscription", "plan", "tier", "edition", "sso", "mfa",
    "login", "logins", "session", "sessions", "user", "users", "admin", "admins", "permission", "permissions",
];
