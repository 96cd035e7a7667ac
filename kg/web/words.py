"""The words of the app's pages and of the briefing, in English, French and Spanish.

Names of members, groups, issues … come from the graph (their labels in each language);
these are the words around them. A word missing in French or Spanish falls back to English.
"""

from __future__ import annotations

__all__ = ["WORDS", "words"]

#: key → (English, French, Spanish)
WORDS: dict[str, tuple[str, str, str]] = {
    "app_title": ("JSI e-commerce: the knowledge graph", "IDC commerce électronique : le graphe de connaissances",
                  "IDC comercio electrónico: el grafo de conocimiento"),
    "tagline": ("The WTO Joint Statement Initiative on e-commerce, for negotiators of developing countries and LDCs. "
                "Every fact with its source; works offline.",
                "L'Initiative de déclaration conjointe de l'OMC sur le commerce électronique, pour les négociateurs "
                "des pays en développement et des PMA. Chaque fait avec sa source ; fonctionne hors ligne.",
                "La Iniciativa de Declaración Conjunta de la OMC sobre comercio electrónico, para negociadores de "
                "países en desarrollo y PMA. Cada dato con su fuente; funciona sin conexión."),
    "home": ("Home", "Accueil", "Inicio"),
    "search": ("Search", "Rechercher", "Buscar"),
    "search_help": ("A member, group, issue, proposal or provision, by name in English, French or Spanish, or by code "
                    "(CIV, LDC, D.3, INF/ECOM/38).",
                    "Un Membre, un groupe, une question, une proposition ou une disposition, par son nom en anglais, "
                    "français ou espagnol, ou par son code (CIV, LDC, D.3, INF/ECOM/38).",
                    "Un Miembro, grupo, cuestión, propuesta o disposición, por su nombre en inglés, francés o español, "
                    "o por su código (CIV, LDC, D.3, INF/ECOM/38)."),
    "results_for": ("Results for", "Résultats pour", "Resultados para"),
    "refine": ("the first ones only; type more of the name to narrow the search",
               "les premiers seulement ; tapez davantage du nom pour préciser",
               "solo los primeros; escriba más del nombre para precisar"),
    "no_result": ("Nothing of that name.", "Rien de ce nom.", "Nada con ese nombre."),
    "did_you_mean": ("Did you mean", "Vouliez-vous dire", "Quiso decir"),
    "read_as": ("read as", "compris comme", "entendido como"),
    "catalogue": ("Questions", "Questions", "Preguntas"),
    "catalogue_help": ("Each question of the catalogue, with its parameters; the answer comes with its sources and "
                       "can be downloaded.",
                       "Chaque question du catalogue, avec ses paramètres ; la réponse vient avec ses sources et se "
                       "télécharge.",
                       "Cada pregunta del catálogo, con sus parámetros; la respuesta viene con sus fuentes y se "
                       "puede descargar."),
    "ask": ("Answer", "Répondre", "Responder"),
    "answer": ("Answer", "Réponse", "Respuesta"),
    "rows": ("rows", "lignes", "filas"),
    "no_rows": ("No row: the graph holds nothing for this question and these values.",
                "Aucune ligne : le graphe ne contient rien pour cette question et ces valeurs.",
                "Ninguna fila: el grafo no contiene nada para esta pregunta y estos valores."),
    "download": ("Download", "Télécharger", "Descargar"),
    "same_in_terminal": ("The same answer in a terminal", "La même réponse dans un terminal",
                         "La misma respuesta en un terminal"),
    "optional": ("optional", "facultatif", "opcional"),
    "required": ("required", "obligatoire", "obligatorio"),
    "example": ("e.g.", "p. ex.", "p. ej."),
    "sources": ("Sources", "Sources", "Fuentes"),
    "source": ("source", "source", "fuente"),
    "facts": ("What the graph says", "Ce que dit le graphe", "Lo que dice el grafo"),
    "pointing_here": ("What points here", "Ce qui renvoie ici", "Lo que remite aquí"),
    "names": ("Names", "Noms", "Nombres"),
    "property": ("property", "propriété", "propiedad"),
    "value": ("value", "valeur", "valor"),
    "certainty": ("certainty", "certitude", "certeza"),
    "inferred": ("inferred", "inféré", "inferido"),
    "inferred_note": ("inferred: added by OWL-RL reasoning from the ontology, not stated by a source",
                      "inféré : ajouté par le raisonnement OWL-RL à partir de l'ontologie, non affirmé par une source",
                      "inferido: añadido por el razonamiento OWL-RL a partir de la ontología, no afirmado por una fuente"),
    "uncertain": ("uncertain", "incertain", "incierto"),
    "own_assessment": ("kg editors' own assessment", "évaluation propre des éditeurs du graphe",
                       "evaluación propia de los editores del grafo"),
    "formats": ("This page as data", "Cette page en données", "Esta página en datos"),
    "views": ("Views", "Vues", "Vistas"),
    "ontology": ("Ontology", "Ontologie", "Ontología"),
    "charts": ("Charts", "Graphiques", "Gráficos"),
    "briefing": ("Briefing", "Note d'information", "Nota informativa"),
    "open_briefing": ("One-page briefing", "Note d'une page", "Nota de una página"),
    "print": ("Print or save as PDF", "Imprimer ou enregistrer en PDF", "Imprimir o guardar como PDF"),
    "unknown": ("unknown", "inconnu", "desconocido"),
    "not_found": ("Not found", "Introuvable", "No encontrado"),
    "error": ("Error", "Erreur", "Error"),
    "language": ("Language", "Langue", "Idioma"),
    "member_view": ("Its map (proposals, partners, groups, concerns)", "Sa carte (propositions, partenaires, "
                    "groupes, préoccupations)", "Su mapa (propuestas, socios, grupos, preocupaciones)"),
    "participation_chart": ("Participation in the JSI over time", "Participation à l'IDC dans le temps",
                            "Participación en la IDC a lo largo del tiempo"),
    "documents_chart": ("Documents per year", "Documents par année", "Documentos por año"),
    "outcomes_chart": ("What became of the issues, by section (INF/ECOM/87)",
                       "Ce que sont devenues les questions, par section (INF/ECOM/87)",
                       "Qué fue de las cuestiones, por sección (INF/ECOM/87)"),
    "participants": ("participants", "participants", "participantes"),
    "documents": ("documents", "documents", "documentos"),
    "issues": ("issues", "questions", "cuestiones"),
    "approximate": ("approximate", "approximatif", "aproximado"),
    "view_issues": ("Issue map", "Carte des questions", "Mapa de cuestiones"),
    "view_sdt": ("SDT models and concerns", "Modèles de TSD et préoccupations", "Modelos de TED y preocupaciones"),
    "view_coalitions": ("Coalitions", "Coalitions", "Coaliciones"),
    "view_graph": ("Whole graph", "Graphe entier", "Grafo completo"),
    "offline_note": ("Works with the network unplugged: nothing on these pages comes from elsewhere.",
                     "Fonctionne sans réseau : rien sur ces pages ne vient d'ailleurs.",
                     "Funciona sin red: nada en estas páginas viene de otro sitio."),
    "kind": ("kind", "type", "tipo"),
    "name": ("name", "nom", "nombre"),
    "key": ("key", "clé", "clave"),
    "comment": ("comment", "commentaire", "comentario"),
    # briefing
    "brief_title": ("Briefing", "Note d'information", "Nota informativa"),
    "brief_intro": ("What the knowledge graph holds on {name}, each line with its source (graph build {built}).",
                    "Ce que le graphe de connaissances contient sur {name}, chaque ligne avec sa source (graphe {built}).",
                    "Lo que el grafo de conocimiento contiene sobre {name}, cada línea con su fuente (grafo {built})."),
    "groups_roles": ("Groups and roles", "Groupes et rôles", "Grupos y funciones"),
    "members_of_group": ("Members", "Membres", "Miembros"),
    "its_documents": ("Its proposals and communications, and what became of them in INF/ECOM/87",
                      "Ses propositions et communications, et ce qu'elles sont devenues dans INF/ECOM/87",
                      "Sus propuestas y comunicaciones, y qué fue de ellas en INF/ECOM/87"),
    "outcome_unknown": ("outcome in INF/ECOM/87 not assessed in the graph",
                        "résultat dans INF/ECOM/87 non évalué dans le graphe",
                        "resultado en INF/ECOM/87 no evaluado en el grafo"),
    "concerns_models": ("Its development concerns and the SDT models that fit them",
                        "Ses préoccupations de développement et les modèles de TSD qui y répondent",
                        "Sus preocupaciones de desarrollo y los modelos de TED adecuados"),
    "recommended": ("recommended by IISD 2022, section 2.3", "recommandé par l'IISD 2022, section 2.3",
                    "recomendado por IISD 2022, sección 2.3"),
    "via_group": ("through", "par", "a través de"),
    "partners": ("Best partners, and why", "Meilleurs partenaires, et pourquoi", "Mejores socios, y por qué"),
    "gaps": ("Concerns no proposal answers", "Préoccupations auxquelles aucune proposition ne répond",
             "Preocupaciones que ninguna propuesta atiende"),
    "art20": ("Implementation periods of Article 20 (INF/ECOM/87) open to it",
              "Périodes de mise en œuvre de l'article 20 (INF/ECOM/87) qui lui sont ouvertes",
              "Períodos de aplicación del artículo 20 (INF/ECOM/87) a su alcance"),
    "stance": ("Its stance on the 2024 text", "Sa position sur le texte de 2024", "Su posición sobre el texto de 2024"),
    "none_known": ("None known to the graph.", "Aucun(e) connu(e) du graphe.", "Ninguno conocido en el grafo."),
    "stance_unknown": ("Unknown: no source in the graph states its stance on INF/ECOM/87.",
                       "Inconnue : aucune source du graphe n'indique sa position sur INF/ECOM/87.",
                       "Desconocida: ninguna fuente del grafo indica su posición sobre INF/ECOM/87."),
    "no_concern": ("The graph records no development concern raised by it.",
                   "Le graphe n'enregistre aucune préoccupation de développement soulevée par lui.",
                   "El grafo no registra ninguna preocupación de desarrollo planteada por él."),
    "ldc_only": ("for LDC members", "pour les PMA Membres", "para los PMA Miembros"),
    "all_members": ("for every member", "pour tout Membre", "para todo Miembro"),
    "not_ldc": ("not open to it: it is not an LDC", "non ouvert : ce n'est pas un PMA",
                "no está a su alcance: no es un PMA"),
    "developing_only": ("for developing country Parties", "pour les pays en développement Parties",
                        "para los países en desarrollo Partes"),
    "dev_and_ldc": ("for developing and least-developed country Parties",
                    "pour les pays en développement et les PMA Parties",
                    "para los países en desarrollo y los PMA Partes"),
    "developing_unknown": ("whether it is one is unknown: WTO members declare it themselves and the graph does not "
                           "record it", "inconnu s'il en est un : les Membres le déclarent eux-mêmes et le graphe ne "
                           "l'enregistre pas", "se desconoce si lo es: los Miembros lo declaran ellos mismos y el "
                           "grafo no lo registra"),
    "via_groups": ("through its groups", "par ses groupes", "a través de sus grupos"),
    "incomplete": ("Lists are as complete as the graph's sources, no more.",
                   "Les listes sont aussi complètes que les sources du graphe, pas davantage.",
                   "Las listas son tan completas como las fuentes del grafo, no más."),
    "more": ("more", "de plus", "más"),
}


def words(lang: str) -> dict[str, str]:
    """Every word in ``lang`` (en, fr, es), English where a translation is missing.

    Examples
    --------
    >>> words("fr")["search"], words("es")["search"], words("xx")["search"]
    ('Rechercher', 'Buscar', 'Search')
    """
    i = {"en": 0, "fr": 1, "es": 2}.get(lang, 0)
    return {k: (v[i] or v[0]) for k, v in WORDS.items()}
