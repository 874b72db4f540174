//! Open data over HTTP, on both databases: the real March 2016 Cumbria file imported
//! by an analyst and counted per LSOA, a re-import that changes nothing, a broken
//! file that imports nothing, the roles that may not import, and the map page; and
//! `casework import police-uk` on the command line, all files or nothing.

use casework_tests::TestApp;
use casework_tests::each_app;
use serde_json::Value;

const MARCH_2016: &str = include_str!("../fixtures/police-uk/2016-03-cumbria-street.csv");

async fn import(app: &TestApp, token: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/imports/police-uk"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .expect("post")
}

/// Anti-social behaviour in March 2016 summed per district from the per-LSOA counts.
async fn asb_by_district(app: &TestApp, token: &str) -> (i64, i64, usize) {
    let response = app
        .api_get(token, "/api/v1/open-data/counts?from=2016-03&to=2016-03")
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["crime_type"], "Anti-social behaviour");
    assert_eq!(body["previous_from"], "2016-02");
    let lsoas = body["lsoas"].as_array().expect("lsoas");
    let sum = |district: &str| {
        lsoas
            .iter()
            .filter(|l| l["district"] == district)
            .map(|l| l["count"].as_i64().expect("count"))
            .sum::<i64>()
    };
    assert!(
        lsoas
            .iter()
            .all(|l| l["name"].as_str().is_some_and(|n| !n.is_empty()))
    );
    (sum("allerdale"), sum("copeland"), lsoas.len())
}

#[tokio::test]
async fn the_real_file_is_imported_counted_and_imported_again_unchanged() {
    each_app(|app| async move {
        let analyst = app.api_token("analyst").await;
        let response = import(&app, &analyst, MARCH_2016.to_string()).await;
        assert_eq!(response.status(), 200);
        let first: Value = response.json().await.expect("json");
        assert_eq!(first["months"], serde_json::json!(["2016-03"]));
        assert_eq!(first["rows_read"], 3326);
        assert_eq!(first["rows_kept"], 1003);
        assert_eq!(first["rows_without_location"], 0);
        assert_eq!(first["errors"], serde_json::json!([]));
        let (allerdale, copeland, lsoas) = asb_by_district(&app, &analyst).await;
        assert_eq!((allerdale, copeland), (166, 146));

        let again = import(&app, &analyst, MARCH_2016.to_string()).await;
        assert_eq!(again.status(), 200);
        let again: Value = again.json().await.expect("json");
        assert_eq!(again, first);
        assert_eq!(
            asb_by_district(&app, &analyst).await,
            (166, 146, lsoas),
            "importing the same file again changes nothing"
        );

        let (a, b) = tokio::join!(
            import(&app, &analyst, MARCH_2016.to_string()),
            import(&app, &analyst, MARCH_2016.to_string())
        );
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        assert_eq!(
            asb_by_district(&app, &analyst).await,
            (166, 146, lsoas),
            "two imports at once leave the month once"
        );

        let copeland_only = app
            .api_get(
                &analyst,
                "/api/v1/open-data/counts?from=2016-03&district=copeland&crime_type=Burglary",
            )
            .await;
        assert_eq!(copeland_only.status(), 200);
        let body: Value = copeland_only.json().await.expect("json");
        let lsoas = body["lsoas"].as_array().expect("lsoas");
        assert!(!lsoas.is_empty());
        assert!(lsoas.iter().all(|l| l["district"] == "copeland"));
    })
    .await;
}

#[tokio::test]
async fn a_file_with_one_broken_row_imports_nothing_and_names_the_line() {
    each_app(|app| async move {
        let analyst = app.api_token("analyst").await;
        let mut lines: Vec<&str> = MARCH_2016.split_inclusive('\n').collect();
        lines[99] = "only,three,columns\r\n";
        let response = import(&app, &analyst, lines.concat()).await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.expect("json");
        let errors = body["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0]["line"], 100);
        assert!(
            errors[0]["message"]
                .as_str()
                .expect("message")
                .contains("columns"),
            "{errors:?}"
        );
        let counts: Value = app
            .api_get(&analyst, "/api/v1/open-data/counts?from=2016-03")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(counts["lsoas"], serde_json::json!([]), "nothing imported");

        let bad_header = import(&app, &analyst, "a,b\n1,2\n".into()).await;
        assert_eq!(bad_header.status(), 422);
        let body: Value = bad_header.json().await.expect("json");
        assert_eq!(body["errors"][0]["line"], 1);
    })
    .await;
}

#[tokio::test]
async fn only_analysts_and_administrators_import() {
    each_app(|app| async move {
        let officer = app.api_token("police.officer").await;
        let refused = import(&app, &officer, MARCH_2016.to_string()).await;
        assert!(
            [403, 404].contains(&refused.status().as_u16()),
            "{}",
            refused.status()
        );
        let admin = app.api_token("demo.admin").await;
        assert_eq!(
            import(&app, &admin, MARCH_2016.to_string()).await.status(),
            200
        );
        // An administrator imports, but counts are for the case and analyst roles.
        let counts = app
            .api_get(&admin, "/api/v1/open-data/counts?from=2016-03")
            .await;
        assert_eq!(counts.status(), 404);
        let officer_counts = app
            .api_get(&officer, "/api/v1/open-data/counts?from=2016-03")
            .await;
        assert_eq!(officer_counts.status(), 200);

        let doc: Value = app
            .get("/api/v1/openapi.json")
            .await
            .json()
            .await
            .expect("json");
        assert!(doc["paths"]["/api/v1/imports/police-uk"]["post"].is_object());
        assert!(doc["paths"]["/api/v1/open-data/counts"]["get"].is_object());

        let web = app.sign_in("police.officer").await;
        let page = web
            .get(app.url("/open-data/import"))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn the_map_is_drawn_for_the_analyst_with_the_top_ten() {
    each_app(|app| async move {
        let web = app.sign_in("analyst").await;
        let empty = web
            .get(app.url("/open-data/map"))
            .send()
            .await
            .expect("page");
        assert_eq!(empty.status(), 200);
        assert!(
            empty
                .text()
                .await
                .expect("html")
                .contains("No police.uk data")
        );

        // Upload through the page, as an analyst would.
        let html = web
            .get(app.url("/open-data/import"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        let marker = "action=\"/open-data/import?csrf_token=";
        let start = html.find(marker).expect("upload form") + marker.len();
        let token = &html[start..start + html[start..].find('"').expect("end")];
        // A multipart body as a browser sends it.
        let boundary = "casework-test-boundary";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"2016-03-cumbria-street.csv\"\r\nContent-Type: text/csv\r\n\r\n\
             {MARCH_2016}\r\n--{boundary}--\r\n"
        );
        let uploaded = web
            .post(app.url(&format!("/open-data/import?csrf_token={token}")))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload");
        assert_eq!(uploaded.status(), 200);
        let said = uploaded.text().await.expect("html");
        assert!(said.contains("1003 kept"), "{said}");

        let page = web
            .get(app.url("/open-data/map?from=2016-03&to=2016-03"))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("<svg"));
        assert_eq!(html.matches("<path class=\"lsoa\"").count(), 109);
        assert!(html.contains("The ten LSOAs with most Anti-social behaviour"));
        let table = &html[html.find("<table class=\"top-ten\"").expect("table")..];
        assert_eq!(table.matches("<tr><td>").count(), 10);
        assert!(html.contains("312 in all"), "Allerdale 166 + Copeland 146");
        assert!(
            !html.contains("style="),
            "no style attributes under the CSP"
        );

        let copeland = web
            .get(app.url("/open-data/map?from=2016-03&district=copeland"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(copeland.contains("146 in all"));

        let bad = web
            .get(app.url("/open-data/map?from=March"))
            .send()
            .await
            .expect("page");
        assert_eq!(bad.status(), 422);
    })
    .await;
}

/// Runs `casework import police-uk FILE...` against the test server's database, the
/// files written to a scratch directory under the names given.
fn import_files(app: &TestApp, files: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("dir");
    let paths: Vec<std::path::PathBuf> = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).expect("write");
            path
        })
        .collect();
    let out = std::process::Command::new(casework_tests::binary())
        .args(["import", "police-uk"])
        .args(&paths)
        .args(["--database-url", &app.database.url])
        .env("CASEWORK_LOG", "warn")
        .output()
        .expect("casework runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
async fn the_command_line_imports_all_files_or_none_and_names_every_bad_line() {
    each_app(|app| async move {
        let analyst = app.api_token("analyst").await;
        // February: the March rows relabelled, so the two files hold different months.
        let february = MARCH_2016.replace(",2016-03,", ",2016-02,");
        // Five copies of March (more than one batch of inserts on either database)
        // and then two bad lines.
        let mut rows = MARCH_2016.split_inclusive('\n');
        let header = rows.next().expect("header");
        let body: String = rows.collect();
        let mut broken = header.to_string();
        for _ in 0..5 {
            broken.push_str(&body);
        }
        let first_bad = broken.lines().count() + 1;
        broken.push_str("only,three,columns\r\n");
        broken.push_str(&body);
        let second_bad = broken.lines().count() + 1;
        broken.push_str(",2016-03,Cumbria Constabulary,Cumbria Constabulary,west,54.1,On or near X,E01019126,Allerdale 001A,Burglary,,\r\n");

        let (ok, out) = import_files(
            &app,
            &[
                ("2016-02-cumbria-street.csv", &february),
                ("2016-03-cumbria-street.csv", &broken),
            ],
        );
        assert!(!ok, "{out}");
        assert!(
            out.contains(&format!("2016-03-cumbria-street.csv: line {first_bad}: expected 12 columns")),
            "{out}"
        );
        assert!(
            out.contains(&format!("2016-03-cumbria-street.csv: line {second_bad}: bad longitude")),
            "{out}"
        );
        assert!(out.contains("nothing was imported"), "{out}");
        for month in ["2016-02", "2016-03"] {
            let counts: Value = app
                .api_get(&analyst, &format!("/api/v1/open-data/counts?from={month}"))
                .await
                .json()
                .await
                .expect("json");
            assert_eq!(counts["lsoas"], serde_json::json!([]), "{month}: nothing imported");
        }

        let (ok, out) = import_files(
            &app,
            &[
                ("2016-02-cumbria-street.csv", &february),
                ("2016-03-cumbria-street.csv", MARCH_2016),
            ],
        );
        assert!(ok, "{out}");
        assert!(out.contains("months 2016-03; 3326 rows read, 1003 kept"), "{out}");
        assert_eq!(asb_by_district(&app, &analyst).await.0, 166);
        let february: Value = app
            .api_get(&analyst, "/api/v1/open-data/counts?from=2016-02&to=2016-02")
            .await
            .json()
            .await
            .expect("json");
        let sum: i64 = february["lsoas"]
            .as_array()
            .expect("lsoas")
            .iter()
            .map(|l| l["count"].as_i64().expect("count"))
            .sum();
        assert_eq!(sum, 166 + 146);
    })
    .await;
}
