"""The Kano service factors (服务要素), declared once: their names, the questionnaire's two
questions in both languages, and the KPIs of the registry that measure each.

The nine factors are those of the customer-expectation study the dashboard is built on
(docs/METHODS.md, "Kano questionnaire"). Edit `FACTORS` to change a question or the KPIs a
factor is linked to; a test checks that every linked KPI is declared in
scoring/registry/kpis.py. A dataset may carry factors of its own: they are analysed all the
same and shown by their id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Factor:
    id: str  # the value of kano_responses.factor
    label_en: str
    label_zh: str
    functional_en: str  # "how do you feel if the service has it?"
    functional_zh: str
    dysfunctional_en: str  # "... if it lacks it?"
    dysfunctional_zh: str
    kpis: tuple[str, ...]  # KPI ids (scoring/registry/kpis.py) that measure the factor

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def functional(self, lang: str) -> str:
        return self.functional_zh if lang == "zh" else self.functional_en

    def dysfunctional(self, lang: str) -> str:
        return self.dysfunctional_zh if lang == "zh" else self.dysfunctional_en


FACTORS: tuple[Factor, ...] = (
    Factor(
        id="reception_response_time",
        label_en="Reception response time",
        label_zh="服务接待响应时间",
        functional_en="If your service request is answered promptly, how do you feel?",
        functional_zh="如果您的服务请求得到及时响应，您的感受是？",
        dysfunctional_en="If your service request is not answered promptly, how do you feel?",
        dysfunctional_zh="如果您的服务请求没有得到及时响应，您的感受是？",
        kpis=("sla_response", "first_response_median", "first_response_p90"),
    ),
    Factor(
        id="spare_part_quality",
        label_en="Spare-part quality",
        label_zh="备件质量",
        functional_en="If the spare parts fitted are of good quality, how do you feel?",
        functional_zh="如果更换的备件质量可靠，您的感受是？",
        dysfunctional_en="If the spare parts fitted are of poor quality, how do you feel?",
        dysfunctional_zh="如果更换的备件质量不可靠，您的感受是？",
        kpis=("reopen_rate", "repeat_rate"),
    ),
    Factor(
        id="staff_basic_competence",
        label_en="Staff basic competence",
        label_zh="服务人员基本素质",
        functional_en="If the service staff are competent, how do you feel?",
        functional_zh="如果服务人员专业能力强，您的感受是？",
        dysfunctional_en="If the service staff are not competent, how do you feel?",
        dysfunctional_zh="如果服务人员专业能力不足，您的感受是？",
        kpis=("fcr", "resolution_rate", "training_hours"),
    ),
    Factor(
        id="follow_up_survey",
        label_en="Follow-up survey",
        label_zh="售后回访调查",
        functional_en="If you are asked about the service afterwards, how do you feel?",
        functional_zh="如果服务结束后有回访调查，您的感受是？",
        dysfunctional_en="If nobody asks you about the service afterwards, how do you feel?",
        dysfunctional_zh="如果服务结束后没有回访调查，您的感受是？",
        kpis=("csat", "nps"),
    ),
    Factor(
        id="technical_support",
        label_en="Technical support",
        label_zh="技术支持",
        functional_en="If technical support solves your problem within warranty, how do you feel?",
        functional_zh="如果保修期内技术支持能解决您的问题，您的感受是？",
        dysfunctional_en="If technical support does not solve your problem within warranty, "
        "how do you feel?",
        dysfunctional_zh="如果保修期内技术支持不能解决您的问题，您的感受是？",
        kpis=("sla_resolution", "escalation_rate"),
    ),
    Factor(
        id="periodic_onsite_inspection",
        label_en="Periodic on-site inspection",
        label_zh="定期上门巡检",
        functional_en="If your equipment is inspected on site regularly (also out of "
        "warranty), how do you feel?",
        functional_zh="如果（保修期外也）定期上门巡检设备，您的感受是？",
        dysfunctional_en="If your equipment is never inspected on site, how do you feel?",
        dysfunctional_zh="如果从不上门巡检设备，您的感受是？",
        kpis=("repeat_rate",),
    ),
    Factor(
        id="personalised_service",
        label_en="Personalised service",
        label_zh="个性化服务",
        functional_en="If the service is tailored to your needs, how do you feel?",
        functional_zh="如果服务根据您的需求量身定制，您的感受是？",
        dysfunctional_en="If the service is the same for everyone, how do you feel?",
        dysfunctional_zh="如果服务千篇一律，您的感受是？",
        kpis=("nps", "csat_satisfied"),
    ),
    Factor(
        id="orderly_service_process",
        label_en="Orderly service process",
        label_zh="服务流程规范有序",
        functional_en="If the service follows a clear, orderly process, how do you feel?",
        functional_zh="如果服务流程规范有序，您的感受是？",
        dysfunctional_en="If the service process is disorderly, how do you feel?",
        dysfunctional_zh="如果服务流程混乱无序，您的感受是？",
        kpis=("sla_resolution", "complaint_rate"),
    ),
    Factor(
        id="reasonable_service_fees",
        label_en="Reasonable service fees",
        label_zh="服务收费合理",
        functional_en="If the service fees are reasonable, how do you feel?",
        functional_zh="如果服务收费合理，您的感受是？",
        dysfunctional_en="If the service fees are unreasonable, how do you feel?",
        dysfunctional_zh="如果服务收费不合理，您的感受是？",
        kpis=("parts_cost", "complaint_rate"),
    ),
)
FACTORS_BY_ID = {f.id: f for f in FACTORS}
FACTOR_IDS = tuple(FACTORS_BY_ID)
