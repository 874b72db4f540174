//! A measure's quarters as a small bar chart, laid out on the server as inline SVG:
//! one bar per quarter for West Cumbria with its figure written above it, and the
//! baseline as a dashed line labelled "baseline", so nothing depends on colour.

use std::fmt::Write;

const WIDTH: f64 = 220.0;
const HEIGHT: f64 = 90.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 16.0;

/// The chart for `(label, value)` bars against `baseline`; an empty string when no
/// quarter has a figure. Labels are quarter names and values numbers only.
pub fn bars(points: &[(&str, Option<f64>)], baseline: Option<f64>, title: &str) -> String {
    if points.iter().all(|(_, v)| v.is_none()) {
        return String::new();
    }
    let top = points
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(baseline)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let plot = HEIGHT - TOP - BOTTOM;
    let y_of = |v: f64| TOP + plot - (v / top * plot);
    let slot = WIDTH / points.len().max(1) as f64;
    let bar = (slot * 0.6).min(40.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (n, (label, value)) in points.iter().enumerate() {
        let x = n as f64 * slot + (slot - bar) / 2.0;
        if let Some(v) = value {
            let y = y_of(*v);
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#1d70b8\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                (TOP + plot - y).max(0.5),
                x + bar / 2.0,
                (y - 2.0).max(9.0),
                number(*v)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
            x + bar / 2.0,
            HEIGHT - 4.0,
            escape(label)
        );
    }
    if let Some(b) = baseline {
        let y = y_of(b);
        let _ = write!(
            svg,
            "<line x1=\"0\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#0b0c0c\" \
             stroke-dasharray=\"4 3\"/><text x=\"{WIDTH}\" y=\"{:.1}\" font-size=\"8\" \
             text-anchor=\"end\">baseline {}</text>",
            (y - 2.0).max(8.0),
            number(b)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A figure as the report prints it: whole numbers plainly, others to one place.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_to_draw_is_empty() {
        assert_eq!(bars(&[("Q1", None)], Some(3.0), "t"), "");
    }

    #[test]
    fn every_bar_has_its_figure_and_the_baseline_is_labelled() {
        let svg = bars(&[("Q1", Some(10.0)), ("Q2", Some(2.5))], Some(5.0), "A <b>");
        assert!(svg.contains(">10</text>"));
        assert!(svg.contains(">2.5</text>"));
        assert!(svg.contains("baseline 5"));
        assert!(svg.contains("aria-label=\"A &lt;b&gt;\""));
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
