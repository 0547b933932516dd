//! Which storage service a URL points at, what its host says (bucket, region), and the
//! fix rule written in that service's own tool's form.

use crate::cors::CorsRule;
use crate::explain::rule_json;

/// A storage service, recognised from the URL's host and query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Aws,
    R2,
    Gcs,
    Azure,
    B2,
    Spaces,
    Wasabi,
    Minio,
    /// Anything else that speaks the S3 API (LocalStack, s3rver, Ceph, ...).
    S3Compatible,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::R2 => "r2",
            Provider::Gcs => "gcs",
            Provider::Azure => "azure",
            Provider::B2 => "b2",
            Provider::Spaces => "spaces",
            Provider::Wasabi => "wasabi",
            Provider::Minio => "minio",
            Provider::S3Compatible => "s3-compatible",
        }
    }
}

/// What the URL's host and path say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub provider: Provider,
    /// The bucket (container for Azure), from the host or the first path segment.
    pub bucket: Option<String>,
    /// The region named by the host, if it names one.
    pub region: Option<String>,
    /// True when the bucket is part of the host name (virtual-hosted style).
    pub virtual_hosted: bool,
    /// Scheme and host of the service, without the bucket (for `--endpoint-url`).
    pub service_url: String,
}

fn first_segment(path: &str) -> Option<String> {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Reads `scheme://host[:port]/path` (host lower-case, no query).
pub fn endpoint(scheme: &str, host: &str, port: Option<u16>, path: &str) -> Endpoint {
    let host = host.to_ascii_lowercase();
    let with_port = |h: &str| match port {
        Some(p) => format!("{scheme}://{h}:{p}"),
        None => format!("{scheme}://{h}"),
    };
    let labels: Vec<&str> = host.split('.').collect();
    let ends = |suffix: &str| host == suffix || host.ends_with(&format!(".{suffix}"));

    if ends("amazonaws.com") || ends("amazonaws.com.cn") {
        return aws(&host, &labels, path, &with_port);
    }
    // How many labels at the end of the host name the service itself (the rest is the bucket).
    let from_s3_label = labels
        .iter()
        .position(|l| *l == "s3")
        .map_or(labels.len(), |i| labels.len() - i);
    let (provider, service_labels) = if ends("r2.cloudflarestorage.com") {
        // <account>.r2.cloudflarestorage.com or <bucket>.<account>.r2.cloudflarestorage.com
        (Provider::R2, 4)
    } else if ends("storage.googleapis.com") {
        (Provider::Gcs, 3)
    } else if ends("blob.core.windows.net") {
        (Provider::Azure, 5)
    } else if ends("backblazeb2.com") {
        (Provider::B2, from_s3_label) // s3.<region>.backblazeb2.com
    } else if ends("digitaloceanspaces.com") {
        (Provider::Spaces, 3) // <region>.digitaloceanspaces.com
    } else if ends("wasabisys.com") {
        (Provider::Wasabi, from_s3_label) // s3[.<region>].wasabisys.com
    } else if port == Some(9000) {
        (Provider::Minio, labels.len())
    } else {
        (Provider::S3Compatible, labels.len())
    };
    let virtual_hosted = labels.len() > service_labels && provider != Provider::Azure;
    let service = labels[labels.len().saturating_sub(service_labels)..].join(".");
    let region = match provider {
        Provider::B2 | Provider::Wasabi => labels
            .iter()
            .position(|l| *l == "s3")
            .and_then(|i| labels.get(i + 1))
            .filter(|r| r.contains('-'))
            .map(|r| r.to_string()),
        Provider::Spaces => labels
            .len()
            .checked_sub(3)
            .and_then(|i| labels.get(i))
            .map(|r| r.to_string()),
        Provider::R2 => Some("auto".to_string()),
        _ => None,
    };
    let bucket = if provider == Provider::Azure {
        first_segment(path)
    } else if virtual_hosted {
        Some(labels[..labels.len() - service_labels].join("."))
    } else {
        first_segment(path)
    };
    Endpoint {
        provider,
        bucket,
        region,
        virtual_hosted,
        service_url: with_port(&service),
    }
}

fn aws(host: &str, labels: &[&str], path: &str, with_port: &dyn Fn(&str) -> String) -> Endpoint {
    // Find the `s3…` label: s3, s3-<region>, s3-accelerate, s3-external-1.
    let Some(i) = labels
        .iter()
        .position(|l| *l == "s3" || l.starts_with("s3-"))
    else {
        return Endpoint {
            provider: Provider::Aws,
            bucket: first_segment(path),
            region: None,
            virtual_hosted: false,
            service_url: with_port(host),
        };
    };
    let s3 = labels[i];
    let rest: Vec<&str> = labels[i + 1..]
        .iter()
        .copied()
        .filter(|l| !matches!(*l, "dualstack" | "amazonaws" | "com" | "cn"))
        .collect();
    let region = if let Some(r) = s3
        .strip_prefix("s3-")
        .filter(|r| *r != "accelerate" && *r != "external-1")
    {
        Some(r.to_string())
    } else if s3 == "s3-external-1" {
        Some("us-east-1".to_string())
    } else {
        rest.first().map(|r| r.to_string())
    };
    let virtual_hosted = i > 0;
    Endpoint {
        provider: Provider::Aws,
        bucket: if virtual_hosted {
            Some(labels[..i].join("."))
        } else {
            first_segment(path)
        },
        region,
        virtual_hosted,
        service_url: with_port(&labels[i..].join(".")),
    }
}

/// The fix rule in the provider's own form: what to paste and the command that applies it.
pub fn render_fix(ep: &Endpoint, rule: &CorsRule) -> String {
    let bucket = ep.bucket.as_deref().unwrap_or("BUCKET");
    let list = |v: &[String]| serde_json::to_string(v).unwrap_or_default();
    let csv = |v: &[String]| v.join(",");
    let age = rule.max_age_seconds.unwrap_or(3000);
    let s3_json = format!("{{\"CORSRules\": [\n{}\n]}}", rule_json(rule));
    match ep.provider {
        Provider::Aws | Provider::S3Compatible => format!(
            "aws s3api put-bucket-cors --bucket {bucket}{} --cors-configuration file://cors.json\n\
             (cors.json, with this rule first and your other rules after it:)\n{s3_json}\n\n\
             AWS SDK v3:\nawait s3.send(new PutBucketCorsCommand({{ Bucket: '{bucket}', CORSConfiguration: {{ CORSRules: [{}, ...otherRules] }} }}));\n\n\
             Terraform (aws_s3_bucket_cors_configuration; rules are ordered as written):\n\
             cors_rule {{\n  allowed_origins = {}\n  allowed_methods = {}\n  allowed_headers = {}\n  expose_headers  = {}\n  max_age_seconds = {age}\n}}",
            if ep.provider == Provider::S3Compatible { format!(" --endpoint-url {}", ep.service_url) } else { String::new() },
            serde_json::to_string(rule).unwrap_or_default(),
            list(&rule.allowed_origins),
            list(&rule.allowed_methods),
            list(&rule.allowed_headers),
            list(&rule.expose_headers),
        ),
        Provider::B2 | Provider::Spaces | Provider::Wasabi => format!(
            "{} takes bucket CORS through its S3 API:\naws s3api put-bucket-cors --endpoint-url {} --bucket {bucket} --cors-configuration file://cors.json\n(cors.json:)\n{s3_json}",
            match ep.provider { Provider::B2 => "Backblaze B2", Provider::Spaces => "DigitalOcean Spaces", _ => "Wasabi" },
            ep.service_url,
        ),
        Provider::R2 => format!(
            "Cloudflare R2 (dashboard: bucket > Settings > CORS policy), JSON:\n[{}]\n\n\
             wrangler r2 bucket cors set {bucket} --file cors.json, with cors.json:\n\
             {{\"rules\": [{{\"allowed\": {{\"origins\": {}, \"methods\": {}, \"headers\": {}}}, \"exposeHeaders\": {}, \"maxAgeSeconds\": {age}}}]}}",
            serde_json::to_string(rule).unwrap_or_default(),
            list(&rule.allowed_origins),
            list(&rule.allowed_methods),
            list(&rule.allowed_headers),
            list(&rule.expose_headers),
        ),
        Provider::Gcs => {
            // GCS: responseHeader lists both the request headers allowed and those exposed.
            let mut response: Vec<String> = rule.allowed_headers.clone();
            response.extend(rule.expose_headers.iter().cloned());
            format!(
                "gcloud storage buckets update gs://{bucket} --cors-file=cors.json, with cors.json:\n\
                 [{{\"origin\": {}, \"method\": {}, \"responseHeader\": {}, \"maxAgeSeconds\": {age}}}]",
                list(&rule.allowed_origins),
                list(&rule.allowed_methods),
                list(&response),
            )
        }
        Provider::Azure => {
            let mut headers = rule.allowed_headers.clone();
            for h in ["x-ms-blob-type", "content-type"] {
                if !headers.iter().any(|x| x == h) {
                    headers.push(h.to_string());
                }
            }
            format!(
                "az storage cors add --services b --account-name ACCOUNT --origins {} --methods {} --allowed-headers {} --exposed-headers etag --max-age {age}\n\
                 (Azure keeps CORS per storage account and service, not per container.)",
                csv(&rule.allowed_origins),
                csv(&rule.allowed_methods),
                csv(&headers),
            )
        }
        Provider::Minio => format!(
            "MinIO has no per-bucket CORS: it allows the origins of its server setting.\n\
             mc admin config set ALIAS api cors_allow_origin=\"{}\"\nmc admin service restart ALIAS\n\
             (or the environment variable MINIO_API_CORS_ALLOW_ORIGIN={})",
            csv(&rule.allowed_origins),
            csv(&rule.allowed_origins),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::fix_rule;

    fn ep(url: &str) -> Endpoint {
        let (scheme, rest) = url.split_once("://").unwrap();
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()),
            None => (authority, None),
        };
        endpoint(scheme, host, port, path)
    }

    fn check(
        url: &str,
        provider: Provider,
        bucket: &str,
        region: Option<&str>,
        virtual_hosted: bool,
    ) {
        let e = ep(url);
        assert_eq!(e.provider, provider, "{url}");
        assert_eq!(e.bucket.as_deref(), Some(bucket), "{url}");
        assert_eq!(e.region.as_deref(), region, "{url}");
        assert_eq!(e.virtual_hosted, virtual_hosted, "{url}");
    }

    #[test]
    fn aws_endpoint_styles() {
        use Provider::Aws;
        check(
            "https://photos.s3.amazonaws.com/a.png",
            Aws,
            "photos",
            None,
            true,
        );
        check(
            "https://photos.s3.eu-central-1.amazonaws.com/a.png",
            Aws,
            "photos",
            Some("eu-central-1"),
            true,
        );
        check(
            "https://s3.eu-central-1.amazonaws.com/photos/a.png",
            Aws,
            "photos",
            Some("eu-central-1"),
            false,
        );
        check(
            "https://s3.amazonaws.com/photos/a.png",
            Aws,
            "photos",
            None,
            false,
        );
        check(
            "https://photos.s3-us-west-2.amazonaws.com/a.png",
            Aws,
            "photos",
            Some("us-west-2"),
            true,
        );
        check(
            "https://s3-us-west-2.amazonaws.com/photos/a.png",
            Aws,
            "photos",
            Some("us-west-2"),
            false,
        );
        check(
            "https://photos.s3.dualstack.ap-south-1.amazonaws.com/a",
            Aws,
            "photos",
            Some("ap-south-1"),
            true,
        );
        check(
            "https://s3.dualstack.ap-south-1.amazonaws.com/photos/a",
            Aws,
            "photos",
            Some("ap-south-1"),
            false,
        );
        check(
            "https://photos.s3-accelerate.amazonaws.com/a",
            Aws,
            "photos",
            None,
            true,
        );
        check(
            "https://photos.s3-accelerate.dualstack.amazonaws.com/a",
            Aws,
            "photos",
            None,
            true,
        );
        check(
            "https://my.dotted.bucket.s3.us-east-2.amazonaws.com/a",
            Aws,
            "my.dotted.bucket",
            Some("us-east-2"),
            true,
        );
        check(
            "https://photos.s3.cn-north-1.amazonaws.com.cn/a",
            Aws,
            "photos",
            Some("cn-north-1"),
            true,
        );
        assert_eq!(
            ep("https://photos.s3.eu-central-1.amazonaws.com/a").service_url,
            "https://s3.eu-central-1.amazonaws.com"
        );
    }

    #[test]
    fn other_providers() {
        check(
            "https://acc123.r2.cloudflarestorage.com/photos/a",
            Provider::R2,
            "photos",
            Some("auto"),
            false,
        );
        check(
            "https://photos.acc123.r2.cloudflarestorage.com/a",
            Provider::R2,
            "photos",
            Some("auto"),
            true,
        );
        check(
            "https://storage.googleapis.com/photos/a",
            Provider::Gcs,
            "photos",
            None,
            false,
        );
        check(
            "https://photos.storage.googleapis.com/a",
            Provider::Gcs,
            "photos",
            None,
            true,
        );
        check(
            "https://acct.blob.core.windows.net/uploads/a.png",
            Provider::Azure,
            "uploads",
            None,
            false,
        );
        check(
            "https://s3.us-west-004.backblazeb2.com/photos/a",
            Provider::B2,
            "photos",
            Some("us-west-004"),
            false,
        );
        check(
            "https://photos.s3.us-west-004.backblazeb2.com/a",
            Provider::B2,
            "photos",
            Some("us-west-004"),
            true,
        );
        check(
            "https://nyc3.digitaloceanspaces.com/photos/a",
            Provider::Spaces,
            "photos",
            Some("nyc3"),
            false,
        );
        check(
            "https://photos.nyc3.digitaloceanspaces.com/a",
            Provider::Spaces,
            "photos",
            Some("nyc3"),
            true,
        );
        check(
            "https://s3.eu-central-1.wasabisys.com/photos/a",
            Provider::Wasabi,
            "photos",
            Some("eu-central-1"),
            false,
        );
        check(
            "https://photos.s3.eu-central-1.wasabisys.com/a",
            Provider::Wasabi,
            "photos",
            Some("eu-central-1"),
            true,
        );
        check(
            "http://127.0.0.1:9000/photos/a",
            Provider::Minio,
            "photos",
            None,
            false,
        );
        check(
            "http://127.0.0.1:4566/photos/a",
            Provider::S3Compatible,
            "photos",
            None,
            false,
        );
    }

    #[test]
    fn fixes_in_each_form() {
        let rule = fix_rule("http://localhost:5173", &["PUT"], &["content-type".into()]);
        let aws = render_fix(&ep("https://photos.s3.amazonaws.com/a"), &rule);
        assert!(aws.contains("put-bucket-cors --bucket photos --cors-configuration"));
        assert!(aws.contains("PutBucketCorsCommand") && aws.contains("cors_rule {"));
        let gcs = render_fix(&ep("https://storage.googleapis.com/photos/a"), &rule);
        assert!(
            gcs.contains("\"responseHeader\": [\"content-type\",\"ETag\"]"),
            "{gcs}"
        );
        assert!(gcs.contains("gs://photos"));
        let r2 = render_fix(&ep("https://acc.r2.cloudflarestorage.com/photos/a"), &rule);
        assert!(r2.contains("wrangler r2 bucket cors set photos"));
        let az = render_fix(&ep("https://acct.blob.core.windows.net/up/a"), &rule);
        assert!(az.contains("az storage cors add") && az.contains("x-ms-blob-type"));
        let minio = render_fix(&ep("http://localhost:9000/photos/a"), &rule);
        assert!(minio.contains("cors_allow_origin=\"http://localhost:5173\""));
        let local = render_fix(&ep("http://127.0.0.1:4566/photos/a"), &rule);
        assert!(local.contains("--endpoint-url http://127.0.0.1:4566"));
        let b2 = render_fix(
            &ep("https://s3.us-west-004.backblazeb2.com/photos/a"),
            &rule,
        );
        assert!(
            b2.contains("Backblaze")
                && b2.contains("--endpoint-url https://s3.us-west-004.backblazeb2.com")
        );
    }
}
