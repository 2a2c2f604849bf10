"""Appraisal periods (考核周期): what closing a period freezes (`closing`), its awards
(`awards`), each agent's history across closed periods and the recommendations drawn from it
(`history`), and the period ids (`periods`). The records themselves, their versions,
appeals and feedback talks are kept by `scoring.stores.periods`."""
