//! Path templates (`/things/{id}.json`), parsed once into literal text and parameter names.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Segment<'p> {
    Literal(&'p str),
    Param(&'p str),
}

/// The parts of `path`, or why it is not a template.
pub(crate) fn parse(path: &str) -> Result<Vec<Segment<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(Segment::Literal(rest));
                break;
            }
            Some(i) if rest.as_bytes()[i] == b'}' => {
                return Err(format!("`}}` without `{{` in the path template `{path}`"));
            }
            Some(i) => {
                if i > 0 {
                    parts.push(Segment::Literal(&rest[..i]));
                }
                let after = &rest[i + 1..];
                let Some(end) = after
                    .find(['{', '}'])
                    .filter(|&e| after.as_bytes()[e] == b'}')
                else {
                    return Err(format!("unclosed `{{` in the path template `{path}`"));
                };
                let name = &after[..end];
                if name.is_empty() {
                    return Err(format!("empty `{{}}` in the path template `{path}`"));
                }
                parts.push(Segment::Param(name));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(parts)
}

/// The parameter names of parsed segments, in path order.
pub(crate) fn param_names<'p>(segments: &[Segment<'p>]) -> Vec<&'p str> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param(name) => Some(*name),
            Segment::Literal(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_parameters_share_segments() {
        assert_eq!(
            parse("/Calls/{CallSid}.json").unwrap(),
            vec![
                Segment::Literal("/Calls/"),
                Segment::Param("CallSid"),
                Segment::Literal(".json")
            ]
        );
        assert_eq!(
            parse("/a/{x}{y}/").unwrap(),
            vec![
                Segment::Literal("/a/"),
                Segment::Param("x"),
                Segment::Param("y"),
                Segment::Literal("/")
            ]
        );
    }

    #[test]
    fn broken_templates_say_why() {
        assert!(parse("/a/{x").unwrap_err().contains("unclosed"));
        assert!(parse("/a/x}").unwrap_err().contains("without"));
        assert!(parse("/a/{}").unwrap_err().contains("empty"));
        assert!(parse("/a/{x{y}}").unwrap_err().contains("unclosed"));
    }
}
