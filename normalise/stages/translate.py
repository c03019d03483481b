"""Translate stage: every it/es sentence to English, batched across documents.

Documents are gathered in groups; the sentences of a group are translated per language in one
engine call, each distinct sentence once (a bounded cache also serves repeats across groups),
then written back to their documents with their model score and quality flags
(``models/quality.py``). English passes through untouched.

Protected spans (URLs, numbers, handles, code, glossary terms) are masked with placeholders
before translation and put back after (``argos/protected.py``); a sentence whose placeholders
the model damaged is flagged ``protected_restored``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from ..argos.catalog import Catalog
from ..argos.manifest import catalog_entry
from ..argos.package import ArgosPackage
from ..argos.protected import PROTECTED_RESTORED, Masked, SpanProtector, restore
from ..argos.quality import quality_flags
from ..argos.translator import DecodingLimit, PackageTranslator, Translation
from ..batching import batched
from ..languages import TARGET_LANG
from ..record import Document, Segment, Status
from ..settings import Settings
from ..text.protect import Glossary
from .base import Stage
from .detect import UNDETERMINED

CACHE_ENTRIES = 100_000  # per language; bounds memory on long runs

log = logging.getLogger("normalise")


class Translate(Stage):
    """The stage, with its per-process state: loaded models and the sentence cache."""

    name = "translate"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.catalog = Catalog(settings.models_dir)
        self._packages: dict[str, ArgosPackage | None] = {}
        self._pullable: dict[str, bool] = {}
        self._translators: dict[str, PackageTranslator] = {}
        self._caches: dict[str, OrderedDict[str, Translation]] = {}
        glossary = Glossary.load(settings.glossary) if settings.glossary else None
        self.protector = SpanProtector(glossary, enabled=settings.protect_spans)

    def start_shard(self) -> None:
        """Forget per-shard state (the sentence cache, missing languages), so that a shard's
        memory does not grow with the shards before it. (A sentence's translation does not
        depend on its batch, so the cache never changes a result: see argos/translator.py.)"""
        super().start_shard()
        self._caches.clear()

    def package_for(self, lang: str) -> ArgosPackage | None:
        if lang not in self._packages:
            self._packages[lang] = self.catalog.find(lang, TARGET_LANG)
        return self._packages[lang]

    def pullable(self, lang: str) -> bool:
        """A language ``normalise models pull`` can fetch a model for: without one installed,
        its documents are ``untranslated`` (install it), not ``unsupported_language``."""
        if lang not in self._pullable:
            self._pullable[lang] = catalog_entry(lang, TARGET_LANG) is not None
        return self._pullable[lang]

    def translator_for(self, lang: str) -> PackageTranslator:
        if lang not in self._translators:
            package = self.package_for(lang)
            assert package is not None
            s = self.settings
            self._translators[lang] = PackageTranslator(
                package,
                device=s.device,
                compute_type=s.compute_type,
                inter_threads=s.inter_threads,
                intra_threads=s.intra_threads,
                beam_size=s.beam_size,
                max_batch_tokens=s.max_batch_tokens,
                max_input_tokens=s.max_input_tokens,
                decoding_limit=DecodingLimit(ratio=s.decoding_ratio, cap=s.max_decoding_length),
            )
        return self._translators[lang]

    def translate_sentences(self, lang: str, sentences: list[str]) -> dict[str, Translation]:
        """Translate distinct sentences, using and filling the cache."""
        cache = self._caches.setdefault(lang, OrderedDict())
        todo = []
        for sentence in dict.fromkeys(sentences):
            if sentence in cache:
                cache.move_to_end(sentence)
                self.stats.counters["cache_hits"] += 1
            else:
                todo.append(sentence)
        masked = [self.protector.mask(sentence, lang) for sentence in todo]
        model_inputs = list(dict.fromkeys(m.text for m in masked))  # "{1} euro" once
        outputs = dict(
            zip(model_inputs, self.translator_for(lang).translate(model_inputs), strict=True)
        )
        for sentence, masking in zip(todo, masked, strict=True):
            cache[sentence] = self._restored(masking, outputs[masking.text])
            self.stats.counters["sentences_translated"] += 1
        result = {sentence: cache[sentence] for sentence in sentences}
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
        return result

    def _restored(self, masking: Masked, translation: Translation) -> Translation:
        """Put the protected spans back into the English; count how many survived."""
        if not masking.spans:
            return translation
        result = restore(masking, translation.text)
        counters = self.stats.counters
        counters["protected_spans"] += len(masking.spans)
        counters["protected_spans_intact"] += result.intact
        flags = translation.flags
        if result.restored:
            counters["protected_restored"] += 1
            flags = (*flags, PROTECTED_RESTORED)
        return Translation(result.text, translation.score, flags)

    def _route(self, doc: Document) -> bool:
        """Decide at document level; set the status of documents that will not be
        translated and return False for them. Their cleaned text is kept as it is."""
        lang, target = doc.lang, TARGET_LANG
        if lang == target:
            return True  # English, but segments may carry a foreign language of their own
        if lang in (None, UNDETERMINED):
            why = doc.metadata.get("lang_note") or "no language is clear enough"
            doc.fail(
                Status.UNTRANSLATED,
                f"language undetermined: {why} (pass --assume-lang CODE to set one)",
            )
            return False
        if self.package_for(lang) is not None:
            return True
        if self.pullable(lang):
            self.stats.missing_models.add(lang)
            doc.fail(
                Status.UNTRANSLATED,
                f"no {lang}→{target} model installed (run: normalise models pull {lang})",
            )
        else:
            doc.fail(
                Status.UNSUPPORTED_LANGUAGE,
                f"no translation to {target} from {lang!r} (no {lang}→{target} model); "
                "the cleaned text is kept untranslated",
            )
        return False

    def _segment_lang(self, doc: Document, segment: Segment) -> str | None:
        """The language a segment is translated from, or None if it stays as it is: English,
        undetermined, or a language without an installed model (never a neighbour's model)."""
        lang = segment.lang or doc.lang
        if lang == TARGET_LANG or lang in (None, UNDETERMINED):
            return None
        if self.package_for(lang) is None:
            if self.pullable(lang):
                self.stats.missing_models.add(lang)
            return None
        return lang

    def _translate_group(self, docs: list[Document]) -> None:
        routed = [doc for doc in docs if not doc.finished and self._route(doc)]
        wanted: dict[str, list[str]] = {}
        for doc in routed:
            for segment in doc.segments:
                lang = self._segment_lang(doc, segment)
                if lang is not None:
                    wanted.setdefault(lang, []).extend(s.src for s in segment.sentences)
        translations: dict[str, dict[str, Translation]] = {}
        failed: dict[str, str] = {}
        for lang, sentences in sorted(wanted.items()):
            try:
                translations[lang] = self.translate_sentences(lang, sentences)
            except Exception as error:  # a broken model fails its documents, not the run
                log.debug("translation from %s failed", lang, exc_info=True)
                failed[lang] = f"translation failed: {type(error).__name__}: {error}"
        for doc in routed:
            try:
                self._fill(doc, translations, failed)
            except Exception as error:
                log.debug("filling translations failed on %s", doc.source, exc_info=True)
                doc.fail(Status.ERROR, f"translate failed: {type(error).__name__}: {error}")

    def _fill(
        self,
        doc: Document,
        translations: dict[str, dict[str, Translation]],
        failed: dict[str, str],
    ) -> None:
        paragraphs, used = [], []
        for segment in doc.segments:
            lang = self._segment_lang(doc, segment)
            if lang in failed:
                doc.fail(Status.ERROR, failed[lang])
                return
            for sentence in segment.sentences:
                if lang is None:
                    sentence.en = (
                        sentence.src if (segment.lang or doc.lang) == TARGET_LANG else None
                    )
                    if sentence.en is None:
                        sentence.flags.append("untranslated")
                    continue
                translation = translations[lang][sentence.src]
                sentence.en = translation.text
                if translation.score is not None:
                    sentence.score = round(translation.score, 4)
                sentence.flags.extend(translation.flags)
                sentence.flags.extend(quality_flags(sentence.src, translation.text))
            if lang is not None:
                used.append(lang)
                paragraphs.append(" ".join(s.en for s in segment.sentences if s.en))
            elif all(s.en is not None for s in segment.sentences):
                paragraphs.append(segment.text)  # English already: exactly as cleaned
        doc.text = "\n\n".join(p for p in paragraphs if p)
        if used:
            doc.status = Status.TRANSLATED
            packages = {self.package_for(lang).name: self.package_for(lang) for lang in used}
            first = next(iter(packages.values()))
            doc.translator = (
                first.describe()
                if len(packages) == 1
                else {
                    "name": ", ".join(sorted(packages)),
                    "version": ", ".join(p.version for _, p in sorted(packages.items())),
                }
            )
        elif doc.lang == TARGET_LANG:
            doc.status = Status.ENGLISH
        else:  # every segment is in a language we could not translate
            doc.fail(Status.UNTRANSLATED, "no segment could be translated")

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        for group in batched(docs, self.settings.docs_per_batch):
            self._translate_group(group)
            yield from group
