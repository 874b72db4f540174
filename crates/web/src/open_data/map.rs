//! The hotspot map, drawn on the server as inline SVG: each LSOA's boundary (British
//! National Grid metres) scaled linearly to the picture, north up, and filled by its
//! count. Fills are presentation attributes (`fill="#..."`), not style attributes,
//! so the page keeps to the Content Security Policy without any script or style.

use std::collections::HashMap;

use casework_store::open_data::{Lsoa, LsoaCount};
use serde_json::Value;

/// The picture's width in SVG units; the height follows the area's shape.
const WIDTH: f64 = 600.0;

/// No rows.
const EMPTY: &str = "#f0f0f0";
/// Five classes, light to dark (ColorBrewer YlOrRd).
const CLASSES: [&str; 5] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];

/// A boundary's rings, each a list of (x, y) grid points.
type Rings = Vec<Vec<(f64, f64)>>;

pub struct Shape {
    pub code: String,
    pub name: String,
    pub count: i64,
    pub path: String,
    pub fill: &'static str,
}

pub struct Swatch {
    pub fill: &'static str,
    pub label: String,
}

pub struct Map {
    pub width: u32,
    pub height: u32,
    pub shapes: Vec<Shape>,
    pub legend: Vec<Swatch>,
}

/// The class of a count out of the largest: 0 for none, else 1 to 5 by equal steps.
fn class_of(count: i64, max: i64) -> usize {
    if count <= 0 || max <= 0 {
        return 0;
    }
    let classes = CLASSES.len() as i64;
    ((count * classes + max - 1) / max).clamp(1, classes) as usize
}

fn legend(max: i64) -> Vec<Swatch> {
    let mut legend = vec![Swatch {
        fill: EMPTY,
        label: "none".into(),
    }];
    let classes = CLASSES.len() as i64;
    for (k, fill) in (1..=classes).zip(CLASSES) {
        let lower = (k - 1) * max / classes + 1;
        let upper = k * max / classes;
        if max > 0 && lower <= upper {
            let label = if lower == upper {
                lower.to_string()
            } else {
                format!("{lower} to {upper}")
            };
            legend.push(Swatch { fill, label });
        }
    }
    legend
}

/// The rings of a Polygon or MultiPolygon, as lists of (x, y).
fn rings(geometry: &Value) -> Rings {
    let ring = |r: &Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|points| {
                points
                    .iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let polygon = |p: &Value| -> Rings {
        p.as_array()
            .map(|rs| rs.iter().map(ring).collect())
            .unwrap_or_default()
    };
    match geometry["type"].as_str() {
        Some("Polygon") => polygon(&geometry["coordinates"]),
        Some("MultiPolygon") => geometry["coordinates"]
            .as_array()
            .map(|ps| ps.iter().flat_map(polygon).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Draws `lsoas`, filled by their `counts` (by LSOA code).
pub fn draw(lsoas: &[Lsoa], counts: &HashMap<&str, &LsoaCount>) -> Map {
    let shapes: Vec<(&Lsoa, Rings)> = lsoas
        .iter()
        .map(|l| {
            let geometry: Value = serde_json::from_str(&l.geometry).unwrap_or(Value::Null);
            (l, rings(&geometry))
        })
        .collect();
    let points = || shapes.iter().flat_map(|(_, rs)| rs.iter().flatten());
    let (mut min_x, mut min_y) = (f64::MAX, f64::MAX);
    let (mut max_x, mut max_y) = (f64::MIN, f64::MIN);
    for &(x, y) in points() {
        min_x = min_x.min(x);
        min_y = min_y.min(y);
        max_x = max_x.max(x);
        max_y = max_y.max(y);
    }
    let span = (max_x - min_x).max(1.0);
    let scale = WIDTH / span;
    let height = ((max_y - min_y).max(0.0) * scale).ceil();
    let max = counts.values().map(|c| c.count).max().unwrap_or(0);
    let shapes = shapes
        .into_iter()
        .map(|(lsoa, rings)| {
            let mut path = String::new();
            for ring in rings {
                for (i, (x, y)) in ring.into_iter().enumerate() {
                    let command = if i == 0 { 'M' } else { 'L' };
                    // North up: grid y grows northwards, SVG y downwards.
                    path.push_str(&format!(
                        "{command}{:.1} {:.1}",
                        (x - min_x) * scale,
                        (max_y - y) * scale
                    ));
                }
                path.push('Z');
            }
            let count = counts.get(lsoa.code.as_str()).map_or(0, |c| c.count);
            let class = class_of(count, max);
            Shape {
                code: lsoa.code.clone(),
                name: lsoa.name.clone(),
                count,
                path,
                fill: if class == 0 {
                    EMPTY
                } else {
                    CLASSES[class - 1]
                },
            }
        })
        .collect();
    Map {
        width: WIDTH as u32,
        height: if height.is_finite() { height as u32 } else { 0 },
        shapes,
        legend: legend(max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fall_into_five_equal_classes() {
        assert_eq!(class_of(0, 10), 0);
        assert_eq!(class_of(1, 10), 1);
        assert_eq!(class_of(2, 10), 1);
        assert_eq!(class_of(3, 10), 2);
        assert_eq!(class_of(10, 10), 5);
        assert_eq!(class_of(1, 1), 5);
        let labels: Vec<String> = legend(10).into_iter().map(|s| s.label).collect();
        assert_eq!(
            labels,
            ["none", "1 to 2", "3 to 4", "5 to 6", "7 to 8", "9 to 10"]
        );
        assert_eq!(legend(0).len(), 1);
    }

    #[test]
    fn the_map_is_north_up_and_scaled_to_the_width() {
        let lsoa = Lsoa {
            code: "E1".into(),
            name: "Allerdale 001A".into(),
            district: "allerdale".into(),
            geometry: r#"{"type":"Polygon","coordinates":[[[0,0],[1000,0],[1000,500],[0,0]]]}"#
                .into(),
        };
        let map = draw(&[lsoa], &HashMap::new());
        assert_eq!((map.width, map.height), (600, 300));
        assert_eq!(
            map.shapes[0].path,
            "M0.0 300.0L600.0 300.0L600.0 0.0L0.0 300.0Z"
        );
        assert_eq!(map.shapes[0].fill, EMPTY);
    }
}
